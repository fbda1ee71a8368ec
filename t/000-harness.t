#!/usr/bin/perl
# Self-test of the HsTest harness using plain nginx (no HyperSpot modules).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use Time::HiRes qw(sleep time);
use POSIX ();
use HsTest;

my $ng = HsTest->new(
    core    => 0,
    modules => [],
    workers => 2,
    env     => { TZ => 'HST-5' },    # POSIX TZ string: UTC+05:00, no tzdata needed
    yaml    => "listen: %%PORT%%\ndata: %%DATA%%\n",
    files   => { 'html/static.txt' => "static\n" },
    http    => q{
        server {
            listen 127.0.0.1:%%PORT%%;
            location / { return 200 "hello\n"; }
            location /j { default_type application/json; return 200 '{"a":1}'; }
            location /static/ { alias %%PREFIX%%/html/; }
            location /missing/ { alias %%PREFIX%%/nonexistent/; }
        }
        server {
            listen 127.0.0.1:%%PORT2%%;
            location / { return 200 "second\n"; }
        }
    },
);

# --- files, placeholders -------------------------------------------------
my $conf = do { local (@ARGV, $/) = $ng->conf_file; <> };
like $conf, qr/listen 127\.0\.0\.1:\Q${\ $ng->port }\E;/, '%%PORT%% expanded';
unlike $conf, qr/%%/, 'no placeholders left in nginx.conf';
is do { local (@ARGV, $/) = $ng->yaml_file; <> },
    "listen: ${\ $ng->port}\ndata: ${\ $ng->data_dir}\n", 'yaml written and expanded';
ok -d $ng->data_dir, 'data dir exists';
isnt $ng->port, $ng->port2, 'two distinct ports';

# --- nginx -t --------------------------------------------------------------
my ($rc, $out) = $ng->test_config;
is $rc, 0, 'test_config succeeds' or diag $out;
like $out, qr/test is successful/, 'test_config output';

{
    my $bad = HsTest->new(core => 0, modules => [], http => q{
        server {
            listen 127.0.0.1:%%PORT%%;
            location / { retrun 200 "x"; }
        }
    });
    my @lines = do { open my $fh, '<', $bad->conf_file or die; <$fh> };
    my ($lineno) = grep { $lines[$_ - 1] =~ /retrun/ } 1 .. @lines;
    my ($brc, $bout) = $bad->test_config;
    isnt $brc, 0, 'test_config fails on typo';
    like $bout, qr/unknown directive "retrun" in \Q${\ $bad->conf_file}\E:$lineno\b/,
        'error mentions file and line';
}

# --- start, requests -------------------------------------------------------
$ng->start;
my $master = $ng->master_pid;
ok $master, "master pid $master";
my @w1 = $ng->worker_pids;
is scalar @w1, 2, "two workers (@w1)";

my $r = $ng->get('/');
is $r->{status}, 200, 'GET / status';
is $r->{content}, "hello\n", 'GET / content';
is $r->{json}, undef, 'no json for text/plain';

$r = $ng->get('/j');
is $r->{status}, 200, 'GET /j';
is $r->{headers}{'content-type'}, 'application/json', 'content-type header (lowercase key)';
is_deeply $r->{json}, { a => 1 }, 'json decoded';

$r = $ng->post('/j', json => { x => [1, 2] });
is $r->{status}, 200, 'POST json';
is_deeply $r->{json}, { a => 1 }, 'POST json response decoded';

$r = $ng->post('/', body => 'abc', headers => { 'X-Foo' => 'bar' });
is $r->{status}, 200, 'POST body';

$r = $ng->get('/static/static.txt');
is $r->{status}, 200, 'files + %%PREFIX%% (static file as nobody)';
is $r->{content}, "static\n", 'static content';

$r = $ng->get('/', port => $ng->port2);
is $r->{content}, "second\n", 'port option / %%PORT2%%';

# --- raw requests ------------------------------------------------------------
my $raw = $ng->raw_request("GET / HTTP/1.0\r\nHost: x\r\n\r\n");
like $raw, qr{^HTTP/1\.1 200 OK\r\n}, 'raw_request status line';
like $raw, qr{\r\n\r\nhello\n\z}, 'raw_request body';

# nginx's /proc/PID/environ is clobbered by its process title, so check the
# env option through TZ, which nginx passes to workers and uses in $time_local.
{
    my $alog = do { local (@ARGV, $/) = $ng->prefix . '/logs/access.log'; <> } // '';
    like $alog, qr{\[\d\d/\w+/\d{4}:[\d:]+ \+0500\]}, 'env option reaches nginx (TZ in access.log)';
}

$raw = $ng->raw_request("GARBAGE\x01\r\n\r\n", timeout => 3);
like $raw, qr{^HTTP/1\.1 400 }, 'malformed request -> 400';

# --- log checks --------------------------------------------------------------
$ng->check_log(name => 'before /missing');
$r = $ng->get('/missing/nothing.txt');
is $r->{status}, 404, '404 for missing file';
my @problems = $ng->log_problems;
ok scalar(grep { /\[error\].*nonexistent/ } @problems), 'log_problems finds the [error] line';
is ref(scalar $ng->log_problems), 'HASH', 'log_problems in scalar context returns a hashref';
is_deeply [ $ng->log_problems(allow => [qr/nonexistent/]) ], [], 'allow filters it out';
$ng->check_log(allow => [qr/open\(\) ".*nonexistent.*" failed/], name => 'after /missing');

# --- reload under load -------------------------------------------------------
pipe my $rd, my $wr or die "pipe: $!";
my $child = fork // die "fork: $!";
if (!$child) {
    close $rd;
    my ($ok, $fail) = (0, 0);
    my $end = time + 2;
    while (time < $end) {
        my $res = $ng->get('/', headers => { Connection => 'close' }, timeout => 5);
        if ($res->{status} == 200 && $res->{content} eq "hello\n") { $ok++ }
        else { $fail++; print STDERR "# child: $res->{status} $res->{content}\n" }
    }
    print {$wr} "$ok $fail\n";
    close $wr;
    POSIX::_exit($fail > 255 ? 255 : $fail);
}
close $wr;
sleep 0.5;
$ng->reload;
my @w2 = $ng->worker_pids;
sleep 0.3;
$ng->reload;
my @w3 = $ng->worker_pids;
my $report = <$rd> // '';
waitpid $child, 0;
is $? >> 8, 0, 'no failed requests during reloads';
my ($nok) = $report =~ /^(\d+)/;
cmp_ok $nok // 0, '>', 20, "child made requests ($report)" =~ s/\n//r;
is $ng->master_pid, $master, 'same master after reload';
is scalar @w2, 2, 'two workers after first reload';
my %seen = map { $_ => 1 } @w1, @w2;
is scalar(grep { $seen{$_} } @w3), 0, 'all workers replaced on second reload';
is scalar(grep { my $x = $_; grep { $_ == $x } @w1 } @w2), 0, 'all workers replaced on first reload';

# --- update + reload with a new config --------------------------------------
$ng->update(http => $ng->{http} =~ s/"hello\\n"/"changed\\n"/r);
$ng->reload;
is $ng->get('/')->{content}, "changed\n", 'update + reload applies the new config';

$ng->check_log(allow => [qr/nonexistent/], name => 'end');

# --- stop --------------------------------------------------------------------
ok $ng->stop, 'graceful stop';
ok !kill(0, $master) || do { my $s = do { local (@ARGV, $/) = "/proc/$master/stat"; <> } // ''; $s =~ /\) Z / },
    'master is gone';
is $ng->get('/', timeout => 2)->{status}, 599, 'connection refused after stop -> 599';
ok !-e $ng->pid_file, 'pid file removed';

done_testing;
