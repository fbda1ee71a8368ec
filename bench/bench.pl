#!/usr/bin/perl
# HyperSpot benchmarks: wrk on loopback against one nginx that serves
# both HyperSpot and a bare nginx location, so the figures compare.
#
#   ./build.sh bench [seconds-per-run]      (default 5)
#
# Prints requests/s per endpoint, the ratio of HyperSpot's /healthz to the
# bare `return 200` location, and the idle worker's resident memory.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../t/lib";
use File::Temp qw(tempfile);
use HsTest;

my $secs = shift // 5;
$secs =~ /^\d+$/ && $secs > 0 && $secs <= 60 or die "seconds: 1..60\n";
my $conns = $ENV{HS_BENCH_CONNECTIONS} // 64;

system('command -v wrk >/dev/null') == 0 or die "wrk is not installed\n";

my $ng = HsTest->new(
    modules => [qw(calculator calculator_gateway)],
    workers => 1,
    main => 'thread_pool hyperspot threads=4 max_queue=65536;',
    http => q{
        access_log off;
        server {
            listen 127.0.0.1:%%PORT%% backlog=4096;
            location = /bare { return 200 "ok"; }
            location / {
                hyperspot on;
                hyperspot_thread_pool hyperspot;
            }
        }
    });
$ng->start;

my ($worker) = $ng->worker_pids;
sleep 1;
my $rss_idle = rss_kb($worker);

my ($fh, $lua) = tempfile(SUFFIX => '.lua', UNLINK => 1);
print $fh qq{wrk.method = "POST"\n}
        . qq{wrk.body = '{"a": 20, "b": 22}'\n}
        . qq{wrk.headers["Content-Type"] = "application/json"\n};
close $fh;

sub rss_kb {
    my ($pid) = @_;
    open my $s, '<', "/proc/$pid/status" or return -1;
    while (<$s>) { return $1 if /^VmRSS:\s+(\d+)/ }
    return -1;
}

sub wrk {
    my ($path, @extra) = @_;
    my $out = `wrk -t1 -c$conns -d${secs}s --latency @extra http://127.0.0.1:@{[$ng->port]}$path 2>&1`;
    my ($rps) = $out =~ /Requests\/sec:\s+([\d.]+)/;
    my ($p99) = $out =~ /\s99%\s+([\d.]+\w+)/;
    my ($non2xx) = $out =~ /Non-2xx or 3xx responses: (\d+)/;
    die "wrk failed for $path:\n$out" unless defined $rps;
    return { rps => $rps, p99 => $p99 // '?', errors => $non2xx // 0 };
}

# warm up, then alternate so that drift affects both sides alike
wrk('/bare');
wrk('/healthz');
my (@bare, @hs);
for (1 .. 2) {
    push @bare, wrk('/bare');
    push @hs, wrk('/healthz');
}
my $add = wrk('/calculator-gateway/v1/calculator/add', '-s', $lua);
my $health = wrk('/health');
my $rss_after = rss_kb($worker);

sub best { my @r = sort { $b->{rps} <=> $a->{rps} } @_; $r[0] }
my ($b, $h) = (best(@bare), best(@hs));

printf "%-46s %12s %10s %8s\n", 'endpoint', 'requests/s', 'p99', 'non-2xx';
printf "%-46s %12.0f %10s %8d\n", 'bare nginx: return 200', $b->{rps}, $b->{p99}, $b->{errors};
printf "%-46s %12.0f %10s %8d\n", 'HyperSpot GET /healthz', $h->{rps}, $h->{p99}, $h->{errors};
printf "%-46s %12.0f %10s %8d\n", 'HyperSpot GET /health (JSON)', $health->{rps}, $health->{p99}, $health->{errors};
printf "%-46s %12.0f %10s %8d\n", 'HyperSpot POST calculator add (thread pool)', $add->{rps}, $add->{p99}, $add->{errors};
printf "\n/healthz vs bare: %.1f%% (target >= 90%%)\n", 100 * $h->{rps} / $b->{rps};
printf "worker RSS: %.1f MB idle, %.1f MB after the runs (target idle < 10 MB)\n",
    $rss_idle / 1024, $rss_after / 1024;
printf "(wrk -t1 -c%d, %ds per run, one nginx worker, %s)\n", $conns, $secs, scalar localtime;

my @lines = problems($ng);
$ng->stop;

# --- routing cost against the number of routes: the same request on a
# platform with the two example modules (a handful of routes) and one
# with 1,000 more operations declared
sub problems {
    my ($n) = @_;
    my $bad = $n->log_problems;
    return (@{ $bad->{fatal} }, @{ $bad->{error} });
}

my %scale;
for my $routes (0, 1000) {
    my $n = HsTest->new(
        modules => [qw(calculator calculator_gateway testkit)],
        workers => 1,
        yaml => "modules:\n  testkit:\n    config:\n      bench_routes: $routes\n",
        http => q{
            access_log off;
            hyperspot_config %%YAML%%;
            server {
                listen 127.0.0.1:%%PORT%% backlog=4096;
                location / { hyperspot on; }
            }
        });
    $n->start;
    my $count = scalar(map { keys %$_ } values %{ $n->get('/openapi.json')->{json}{paths} });
    $ng = $n;    # wrk() talks to $ng
    wrk('/healthz');
    $scale{$routes} = { count => $count, rps => best(wrk('/healthz'), wrk('/healthz')) };
    push @lines, problems($n);
    $n->stop;
}

printf "\nrouting: %d routes %.0f requests/s, %d routes %.0f requests/s: %.1f%% (target >= 95%%)\n",
    $scale{0}{count}, $scale{0}{rps}{rps}, $scale{1000}{count}, $scale{1000}{rps}{rps},
    100 * $scale{1000}{rps}{rps} / $scale{0}{rps}{rps};

# --- JSON Schema validation of a 1 KB body (C micro-benchmark)
my $bin = "$FindBin::Bin/../build/bench/bench_jsonschema";
if (-x $bin) {
    print "\n", `$bin`;
}

print "\nerror.log:\n", map { "  $_\n" } @lines if @lines;
exit(@lines ? 1 : 0);
