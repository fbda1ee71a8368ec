# Handlers run on an nginx thread pool: a slow handler never delays the
# event loop, and a full pool queue answers 503 problem+json.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use IO::Select;
use IO::Socket::INET;
use HsTest;

plan skip_all => 'modules not built' unless HsTest::have_modules(qw(calculator testkit));

sub open_request {
    my ($ng, $path) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $ng->port,
                                  Proto => 'tcp', Timeout => 5) or die "connect: $!";
    print $s "GET $path HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
    return $s;
}

sub read_all {
    my ($s) = @_;
    my $sel = IO::Select->new($s);
    my $buf = '';
    while ($sel->can_read(15)) {
        my $n = sysread($s, $buf, 65536, length $buf);
        last unless $n;
    }
    close $s;
    return $buf;
}

my $HTTP = q{
    server {
        listen 127.0.0.1:%%PORT%%;
        location / { hyperspot on; }
    }
};

# --- a slow handler does not delay the event loop (one worker)
{
    my $ng = HsTest->new(
        modules => [qw(calculator testkit)], workers => 1, http => $HTTP);
    $ng->start;

    my @slow = map { open_request($ng, '/testkit/v1/sleep/1500') } 1 .. 3;
    select(undef, undef, undef, 0.2);    # the tasks are running

    my $sel = IO::Select->new(@slow);
    for my $i (1 .. 5) {
        my $r = $ng->get('/healthz');
        is $r->{status}, 200, "healthz $i answered while slow handlers run";
        my $h = $ng->get('/health');
        is $h->{json}{status}, 'healthy', "health $i answered while slow handlers run";
    }
    my @ready = $sel->can_read(0);
    is scalar(@ready), 0, 'the slow requests are still pending after the fast ones';

    for my $s (@slow) {
        my $resp = read_all($s);
        like $resp, qr{^HTTP/1.1 200}, 'slow request completes';
        like $resp, qr{"slept_ms":1500}, 'slow handler result';
    }

    $ng->check_log;
    $ng->stop;
}

# --- a graceful stop waits for handlers still running on the pool
{
    my $ng = HsTest->new(
        modules => [qw(calculator testkit)], workers => 1, http => $HTTP);
    $ng->start;

    my $s = open_request($ng, '/testkit/v1/sleep/1000');
    select(undef, undef, undef, 0.2);
    kill 'QUIT', $ng->master_pid;
    my $resp = read_all($s);
    like $resp, qr{^HTTP/1.1 200}, 'in-flight request completes during graceful shutdown';
    like $resp, qr{"slept_ms":1000}, 'with its result';
    $ng->stop;
    $ng->check_log;
}

# --- thread pool queue full: 503 problem
{
    my $ng = HsTest->new(
        modules => [qw(calculator testkit)], workers => 1,
        main => 'thread_pool tiny threads=1 max_queue=1;',
        http => q{
            server {
                listen 127.0.0.1:%%PORT%%;
                location / { hyperspot on; hyperspot_thread_pool tiny; }
            }
        });
    $ng->start;

    my @s = map { open_request($ng, '/testkit/v1/sleep/700') } 1 .. 4;
    my @resp = map { read_all($_) } @s;
    my @ok = grep { m{^HTTP/1.1 200} } @resp;
    my @busy = grep { m{^HTTP/1.1 503} } @resp;

    cmp_ok scalar(@ok), '>=', 1, 'some requests were served';
    cmp_ok scalar(@busy), '>=', 1, 'a full queue answers 503';
    is @ok + @busy, 4, 'nothing else happened';
    for my $b (@busy) {
        like $b, qr{Content-Type: application/problem\+json}, '503 is a problem';
        like $b, qr{"code":"service_unavailable"}, '503 code';
        like $b, qr{"detail":"the server is busy: the tiny thread pool queue is full}, '503 names the pool';
    }

    # the pool recovers
    my $r = $ng->get('/testkit/v1/sleep/0');
    is $r->{status}, 200, 'served again once the queue drains';

    $ng->check_log(allow => [qr/thread pool "tiny" queue overflow/]);
    $ng->stop;
}

done_testing;
