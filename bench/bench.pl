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
our $conns = $ENV{HS_BENCH_CONNECTIONS} // 64;
# routing and users_info: each request measured this many times, in turn; the best
my $rounds = $ENV{HS_BENCH_ROUNDS} // 2;
$rounds =~ /^\d+$/ && $rounds > 0 && $rounds <= 10 or die "HS_BENCH_ROUNDS: 1..10\n";

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

# CPU time the hypervisor gave to others (steal), and all CPU time, in ticks
sub cpu_ticks {
    open my $f, '<', '/proc/stat' or return (0, 0);
    my @t = split ' ', scalar <$f>;
    shift @t;
    my $all = 0;
    $all += $_ for @t[0 .. 7];
    return ($t[7] // 0, $all);
}

our $steal_max = 0;

# CPU time (user + system, every thread) of the nginx workers, in ticks
sub worker_ticks {
    my $t = 0;
    for my $pid ($ng->worker_pids) {
        open my $f, '<', "/proc/$pid/stat" or next;
        my $s = <$f>;
        $s =~ s/^.*\) //;
        my @f = split ' ', $s;
        $t += $f[11] + $f[12];
    }
    return $t;
}

sub wrk {
    my ($path, @extra) = @_;
    my ($s0, $a0) = cpu_ticks();
    my $w0 = worker_ticks();
    my $out = `wrk -t1 -c$conns -d${secs}s --latency @extra 'http://127.0.0.1:@{[$ng->port]}$path' 2>&1`;
    my $w1 = worker_ticks();
    my ($s1, $a1) = cpu_ticks();
    my ($rps) = $out =~ /Requests\/sec:\s+([\d.]+)/;
    my ($p99) = $out =~ /\s99%\s+([\d.]+\w+)/;
    my ($non2xx) = $out =~ /Non-2xx or 3xx responses: (\d+)/;
    die "wrk failed for $path:\n$out" unless defined $rps;
    my $steal = $a1 > $a0 ? 100 * ($s1 - $s0) / ($a1 - $a0) : 0;
    $steal_max = $steal if $steal > $steal_max;
    my ($reqs) = $out =~ /(\d+) requests in /;
    my $hz = 100;    # USER_HZ
    my $cpu = $reqs ? 1e6 * ($w1 - $w0) / $hz / $reqs : 0;
    return { rps => $rps, p99 => $p99 // '?', errors => $non2xx // 0, steal => $steal, cpu_us => $cpu };
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

my (%scale, %rn);
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
    $rn{$routes} = $n;
    $scale{$routes} = { count => scalar(map { keys %$_ } values %{ $n->get('/openapi.json')->{json}{paths} }) };
}
# both run at once and are measured in turn, so that drift reaches both
for my $round (0 .. $rounds) {
    for my $routes (0, 1000) {
        $ng = $rn{$routes};    # wrk() talks to $ng
        my $m = wrk('/healthz');
        next unless $round;    # the first round warms up
        $scale{$routes}{rps} = best($m, $scale{$routes}{rps} // ());
    }
}
for my $routes (0, 1000) {
    push @lines, problems($rn{$routes});
    $rn{$routes}->stop;
}

printf "\nrouting: %d routes %.0f requests/s, %d routes %.0f requests/s: %.1f%% (target >= 95%%)\n",
    $scale{0}{count}, $scale{0}{rps}{rps}, $scale{1000}{count}, $scale{1000}{rps}{rps},
    100 * $scale{1000}{rps}{rps} / $scale{0}{rps}{rps};

# --- users_info: GET by id and a filtered list of 50, SQLite and
# PostgreSQL, 16 and 128 connections, beside the bare location
my @dbs = (['sqlite', 'sqlite://%%DATA%%/bench.db']);
push @dbs, ['postgres', $ENV{HS_TEST_PG_URL}] if $ENV{HS_TEST_PG_URL};
my @ui;
for my $db (@dbs) {
    my ($kind, $url) = @$db;
    my $n = HsTest->new(
        modules => ['users_info'], workers => 1,
        main => 'thread_pool hyperspot threads=4 max_queue=65536;',
        http => qq{
            access_log off;
            hyperspot_database $url;
            server {
                listen 127.0.0.1:%%PORT%% backlog=4096;
                hyperspot_dev_tenant 0b0b0b0b-0000-4000-8000-000000000001;
                location = /bare { return 200 "ok"; }
                location / {
                    hyperspot on;
                    hyperspot_thread_pool hyperspot;
                }
            }
        });
    $n->start;
    $ng = $n;
    my ($id, $cid);
    for my $i (1 .. 200) {
        my $r = $n->post('/users-info/v1/users',
                         json => { email => "bench$i-$$\@example.com", display_name => "Bench $i" });
        $id //= $r->{json}{id};
    }
    my $filter = '/users-info/v1/users?limit=50&%24filter=startswith%28email%2C%27bench%27%29&%24orderby=email';
    my @req = (['bare nginx', '/bare'], ['GET user by id', "/users-info/v1/users/$id"],
               ['filtered list of 50', $filter]);
    for my $c (16, 128) {
        local $conns = $c;
        wrk('/bare');
        # rounds alternate the requests, so that drift and steal reach all
        # of them; the best run of each is what the machine can do
        my %best;
        for (1 .. $rounds) {
            for my $r (@req) {
                my $m = wrk($r->[1]);
                $best{$r->[0]} = best($m, $best{$r->[0]} // ());
            }
        }
        push @ui, map { [$kind, $c, $_->[0], $best{$_->[0]}] } @req;
    }
    # leave PostgreSQL as it was
    if ($kind eq 'postgres') {
        for my $i (1 .. 4) {
            my $l = $n->get('/users-info/v1/users?limit=200')->{json}{items} || [];
            $n->delete("/users-info/v1/users/$_->{id}") for @$l;
        }
    }
    push @lines, problems($n);
    $n->stop;
}

print "\nusers_info (one worker, 4 pool threads; the best of $rounds alternating runs each;"
    . " steal: CPU time the hypervisor took during that run):\n";
print "(CPU: what the nginx worker, all its threads, spent per request)\n";
printf "%-9s %5s  %-22s %12s %10s %8s %9s %6s\n", 'database', 'conns', 'request', 'requests/s', 'p99', 'non-2xx',
    'CPU', 'steal';
for my $u (@ui) {
    printf "%-9s %5d  %-22s %12.0f %10s %8d %6.1f us %5.1f%%\n", $u->[0], $u->[1], $u->[2], $u->[3]{rps},
        $u->[3]{p99}, $u->[3]{errors}, $u->[3]{cpu_us}, $u->[3]{steal};
}
for my $kind (map { $_->[0] } @dbs) {
    my ($bare) = grep { $_->[0] eq $kind && $_->[1] == 128 && $_->[2] eq 'bare nginx' } @ui;
    my ($get) = grep { $_->[0] eq $kind && $_->[1] == 128 && $_->[2] eq 'GET user by id' } @ui;
    printf "%s: GET by id at 128 connections is %.1f%% of the bare location (target >= 50%% on SQLite), p99 %s (target < 10 ms)\n",
        $kind, 100 * $get->[3]{rps} / $bare->[3]{rps}, $get->[3]{p99};
}

# --- authenticated (RS256 JWT) tenant-scoped GET by id on SQLite, beside
# the bare location of the same nginx, and an OpenResty endpoint that
# only verifies the same kind of token (bench/jwt_verify.lua)
{
    require HsAuth;
    my $keys = HsAuth->new;
    my $T = '0b0b0b0b-0000-4000-8000-000000000001';
    my %c = (iss => 'https://idp.example.com', aud => 'hyperspot',
             sub => 'cccccccc-0000-4000-8000-000000000003', tenants => [$T],
             exp => time + 86400);
    my ($admin, $reader) = $keys->mint(
        { claims => HsAuth::claims(%c, roles => ['admin']) },
        { claims => HsAuth::claims(%c, roles => ['reader']) });

    my $n = HsTest->new(
        modules => ['users_info'], workers => 1,
        main => 'thread_pool hyperspot threads=4 max_queue=65536;',
        yaml => "security:\n  roles:\n    admin: ['*']\n    reader: ['*:read']\n",
        http => qq{
            access_log off;
            hyperspot_config %%YAML%%;
            hyperspot_database sqlite://%%DATA%%/bench.db;
            hyperspot_jwks_file @{[ $keys->jwks_file ]};
            hyperspot_jwt_issuer https://idp.example.com;
            hyperspot_jwt_audience hyperspot;
            server {
                listen 127.0.0.1:%%PORT%% backlog=4096;
                location = /bare { return 200 "ok"; }
                location / {
                    hyperspot on;
                    hyperspot_thread_pool hyperspot;
                }
            }
        });
    $n->start;
    my $id;
    for my $i (1 .. 200) {
        my $r = $n->post('/users-info/v1/users', headers => HsAuth::bearer($admin),
                         json => { email => "jwt$i\@example.com", display_name => "Jwt $i" });
        $id //= $r->{json}{id};
    }

    my $lua = -f '/usr/lib/nginx/modules/ngx_http_lua_module.so' ? HsTest->new(
        core => 0, workers => 1,
        main => "load_module /usr/lib/nginx/modules/ndk_http_module.so;\n"
              . "load_module /usr/lib/nginx/modules/ngx_http_lua_module.so;",
        http => qq{
            access_log off;
            lua_package_path "$FindBin::Bin/?.lua;;";
            server {
                listen 127.0.0.1:%%PORT%% backlog=4096;
                set \$jwt_public_key @{[ $keys->dir ]}/rsa1.pub;
                set \$jwt_issuer https://idp.example.com;
                set \$jwt_audience hyperspot;
                location = /bare { return 200 "ok"; }
                location = /verify {
                    content_by_lua_block { require("jwt_verify").handle() }
                }
            }
        }) : undef;
    if ($lua) {
        $lua->start;
        my $r = $lua->get('/verify', headers => HsAuth::bearer($reader));
        die "the OpenResty endpoint does not verify: $r->{status} $r->{content}\n"
            unless $r->{status} == 200;
    }

    my @auth = ('-H', "'Authorization: Bearer $reader'");
    my @jr;
    for my $c (16, 128) {
        local $conns = $c;
        $ng = $n;
        wrk('/bare');
        my $bare = wrk('/bare');
        my $get = wrk("/users-info/v1/users/$id", @auth);
        my $l;
        if ($lua) {
            $ng = $lua;
            $l = wrk('/verify', @auth);
        }
        push @jr, [$c, $bare, $get, $l];
    }
    push @lines, problems($n);
    $n->stop;
    if ($lua) {
        push @lines, problems($lua);
        $lua->stop;
    }

    print "\nauthenticated GET user by id (RS256 JWT, SQLite, one worker, 4 pool threads):\n";
    printf "%5s  %-34s %12s %10s %8s\n", 'conns', 'request', 'requests/s', 'p99', 'non-2xx';
    for my $j (@jr) {
        my ($c, $bare, $get, $l) = @$j;
        printf "%5d  %-34s %12.0f %10s %8d\n", $c, 'bare nginx', $bare->{rps}, $bare->{p99}, $bare->{errors};
        printf "%5d  %-34s %12.0f %10s %8d\n", $c, 'GET user by id, RS256 JWT', $get->{rps}, $get->{p99}, $get->{errors};
        printf "%5d  %-34s %12.0f %10s %8d\n", $c, 'OpenResty: verify RS256, JSON', $l->{rps}, $l->{p99}, $l->{errors}
            if $l;
    }
    my ($c128) = grep { $_->[0] == 128 } @jr;
    printf "JWT GET by id at 128 connections: %.1f%% of the bare location (target >= 40%%)%s\n",
        100 * $c128->[2]{rps} / $c128->[1]{rps},
        $c128->[3] ? sprintf(", %.2f times the OpenResty endpoint (target >= 1.5)", $c128->[2]{rps} / $c128->[3]{rps})
                   : ' (OpenResty comparison skipped: libnginx-mod-http-lua is not installed)';
}

# --- JSON Schema validation of a 1 KB body (C micro-benchmark)
my $bin = "$FindBin::Bin/../build/bench/bench_jsonschema";
if (-x $bin) {
    print "\n", `$bin`;
}

# --- GTS identifiers and instance validation (C micro-benchmark)
$bin = "$FindBin::Bin/../build/bench/bench_gts";
if (-x $bin) {
    print "\nGTS (bench/bench_gts.c):\n", `$bin`;
}

printf "\nCPU steal: at most %.1f%% during any run (figures of runs with much steal are not comparable)\n",
    $steal_max;
print "\nerror.log:\n", map { "  $_\n" } @lines if @lines;
exit(@lines ? 1 : 0);
