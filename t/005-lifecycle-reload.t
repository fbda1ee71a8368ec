# Lifecycle per worker (start/stop), reload under traffic with no failed
# request, new configuration after reload, and a bad reload that leaves
# the running configuration in place.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use HTTP::Tiny;
use JSON::PP;
use Time::HiRes qw(time sleep);
use HsTest;

plan skip_all => 'modules not built'
    unless HsTest::have_modules(qw(calculator calculator_gateway testkit));

my $HTTP = q{
    hyperspot_config %%YAML%%;
    server {
        listen 127.0.0.1:%%PORT%%;
        location / { hyperspot on; }
    }
};
my $yaml = sub {
    my ($greeting) = @_;
    return "modules:\n  testkit:\n    config:\n      greeting: $greeting\n"
         . "      lifecycle_log: %%DATA%%/lifecycle.log\n";
};

my $ng = HsTest->new(modules => [qw(calculator calculator_gateway testkit)], workers => 2,
                     http => $HTTP, yaml => $yaml->('first'));
$ng->start;
my $lifelog = $ng->data_dir . '/lifecycle.log';

my @workers = $ng->worker_pids;
is scalar(@workers), 2, 'two workers';
is $ng->get('/testkit/v1/config')->{json}{greeting}, 'first', 'config of the first cycle';

# a client that keeps sending requests while nginx reloads
my $deadline = time + 4;
my $pid = fork // die "fork: $!";
if ($pid == 0) {
    my $http = HTTP::Tiny->new(timeout => 10, keep_alive => 0);
    my ($n, $failed) = (0, 0);
    while (time < $deadline) {
        my $r = $http->post($ng->url('/calculator-gateway/v1/calculator/add'), {
            headers => { 'Content-Type' => 'application/json' },
            content => encode_json({ a => $n, b => 1 }) });
        my $ok = $r->{status} == 200 && $r->{content} eq '{"sum":' . ($n + 1) . '}';
        my $h = $http->get($ng->url('/healthz'));
        $failed++ unless $ok && $h->{status} == 200;
        $n++;
    }
    open my $fh, '>', $ng->prefix . '/client.count' or die;
    print $fh "$n\n";
    close $fh;
    exit($failed > 255 ? 255 : $failed);
}

sleep 0.5;
for my $i (1 .. 3) {
    $ng->reload;
    sleep 0.5;
}
waitpid $pid, 0;
my $failures = $? >> 8;
my $count = do { open my $fh, '<', $ng->prefix . '/client.count' or die; <$fh> + 0 };
is $failures, 0, "no request failed during 3 reloads ($count request pairs)";
cmp_ok $count, '>', 20, 'the client kept sending during the reloads';

my @now = $ng->worker_pids;
is scalar(@now), 2, 'still two workers';
ok !(grep { my $w = $_; grep { $_ == $w } @workers } @now), 'all workers replaced';

# new configuration after reload
$ng->update(yaml => $yaml->('second'));
$ng->reload;
is $ng->get('/testkit/v1/config')->{json}{greeting}, 'second', 'reload applies the new YAML';

# a bad YAML on reload: nginx keeps serving with the running configuration
@workers = $ng->worker_pids;
$ng->update(yaml => "modules:\n  testkit:\n    config:\n      limit: huge\n");
kill 'HUP', $ng->master_pid;
my $until = time + 5;
sleep 0.1 while time < $until && $ng->error_log !~ /limit: expected an integer/;
like $ng->error_log, qr/\[emerg\].*modules\.testkit\.config\.limit: expected an integer, got a string/,
    'the bad reload is reported';
is_deeply [ $ng->worker_pids ], \@workers, 'the running workers are kept';
my $r = $ng->get('/testkit/v1/config');
is $r->{json}{greeting}, 'second', 'the running configuration keeps serving';
is $ng->get('/health')->{json}{status}, 'healthy', 'and is healthy';

$ng->check_log(allow => [qr/modules\.testkit\.config\.limit: expected an integer/]);
ok $ng->stop, 'graceful stop';

# every worker ran start once and stop once, stop after start
my @events = do { open my $fh, '<', $lifelog or die "$lifelog: $!"; map { chomp; [ split / / ] } <$fh> };
my (%start, %stop);
for my $e (@events) {
    my ($ev, $mod, $wpid) = @$e;
    is $mod, 'testkit', "event of testkit ($ev)";
    ($ev eq 'start' ? \%start : \%stop)->{$wpid}++;
}
is scalar(keys %start), 2 + 2 * 3 + 2, 'start ran in every worker of every cycle';
is_deeply \%stop, \%start, 'stop ran once in every worker that started';

done_testing;
