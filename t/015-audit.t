# The audit module on SQLite and on PostgreSQL: the core's refusals (a
# bad token on the event loop, a permission denial on the pool thread)
# and what other modules report (hs_call_audit, through the audit_probe
# test module) become stored events with time, tenant, subject, request
# id, source and outcome; tenant administrators read their own tenant's
# trail (filters, default order, cursors), nobody else's; the trail has
# no write operations (405) and a write attempt changes nothing; a flood
# of bad tokens is rate-limited by the core and the suppressed count is
# recorded; a failed write is logged with the event; a reload keeps the
# sink; two workers share the trail. Events without a tenant are read
# straight from the database (sqlite3, psql): the API shows them to
# nobody.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use POSIX qw(strftime);
use Time::HiRes qw(time sleep);
use HsTest;
use HsAuth;

plan skip_all => 'modules not built'
    unless HsTest::have_modules(qw(audit users_info audit_probe));
plan skip_all => 'python3-jwt is not installed' unless HsAuth::available();

my $NIL = '00000000-0000-0000-0000-000000000000';
my $E = '/audit/v1/events';
my $U = '/users-info/v1/users';
my $P = '/audit-probe/v1/reports';
my $RFC3339_MS = qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

my $keys = HsAuth->new;

my @dbs = (['sqlite', 'sqlite://%%DATA%%/hs.db']);
push @dbs, ['postgres', $ENV{HS_TEST_PG_URL}] if $ENV{HS_TEST_PG_URL};
diag 'HS_TEST_PG_URL is not set: PostgreSQL part skipped' unless $ENV{HS_TEST_PG_URL};

for my $db (@dbs) {
    note "=== $db->[0]";
    run_suite(@$db);
}

# --- configuration
{
    my $n = HsTest->new(modules => ['audit'], http => q{
        server { listen 127.0.0.1:%%PORT%%; location / { hyperspot on; } }
    });
    my ($rc, $out) = $n->test_config;
    isnt $rc, 0, 'without a database nginx -t fails';
    like $out, qr/audit.*no database: set hyperspot_database/, 'saying why';

    $n = HsTest->new(modules => ['audit'],
        yaml => "modules:\n  audit:\n    config:\n      max_page: 100\n      default_page: 101\n",
        http => q{
            hyperspot_config %%YAML%%;
            hyperspot_database sqlite://%%DATA%%/hs.db;
            server { listen 127.0.0.1:%%PORT%%; location / { hyperspot on; } }
        });
    ($rc, $out) = $n->test_config;
    isnt $rc, 0, 'default_page over max_page fails nginx -t';
    like $out, qr/default_page \(101\) is larger than max_page \(100\)/, 'saying why';
}

done_testing;

# A random uuid (v4): every run has its own tenants, so that a PostgreSQL
# database that outlives the test holds nothing the run could mistake
# for its own.
sub uuid {
    my $h = join '', map { sprintf '%04x', int rand 65536 } 1 .. 8;
    substr($h, 12, 1) = '4';
    substr($h, 16, 1) = (qw(8 9 a b))[int rand 4];
    return join '-', unpack 'A8 A4 A4 A4 A12', $h;
}

# %-encodes a query string (its & and = stay).
sub enc {
    my ($s) = @_;
    $s =~ s/([^A-Za-z0-9\-._~\$&=,:])/sprintf '%%%02X', ord $1/ge;
    return $s;
}

sub now_rfc3339 {
    my ($t) = @_;
    return strftime('%Y-%m-%dT%H:%M:%S', gmtime int $t)
           . sprintf('.%03dZ', ($t - int $t) * 1000);
}

# Rows of a query run straight on the database (what the API never
# shows): one array of columns per row.
sub db_rows {
    my ($ng, $kind, $url, $sql) = @_;
    my @cmd = $kind eq 'sqlite'
        ? ('sqlite3', '-readonly', '-batch', '-noheader', '-separator', "\x1f",
           $ng->data_dir . '/hs.db', $sql)
        : ('psql', '-X', '-q', '-A', '-t', '-F', "\x1f", '-d', $url, '-c', $sql);
    open my $fh, '-|', @cmd or die "$cmd[0]: $!";
    local $/;
    my $out = <$fh> // '';
    close $fh or die "$cmd[0] failed on: $sql\n";
    return map { [ split /\x1f/, $_, -1 ] } split /\n/, $out;
}

sub db_exec {
    my ($ng, $kind, $url, $sql) = @_;
    my @cmd = $kind eq 'sqlite'
        ? ('sqlite3', '-batch', $ng->data_dir . '/hs.db', $sql)
        : ('psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $url, '-c', $sql);
    return system(@cmd) == 0;
}

# Waits (events from the event loop are written a moment after the
# answer) until the query has at least $n rows.
sub db_wait {
    my ($ng, $kind, $url, $sql, $n) = @_;
    my @rows;
    for (1 .. 100) {
        @rows = db_rows($ng, $kind, $url, $sql);
        last if @rows >= $n;
        sleep 0.1;
    }
    return @rows;
}

sub run_suite {
    my ($kind, $url) = @_;
    my $cli = $kind eq 'sqlite' ? 'sqlite3' : 'psql';
    my $have_cli = system("command -v $cli >/dev/null 2>&1") == 0;

    my $T1 = uuid();
    my $T2 = uuid();
    my ($S1, $S2, $S3) = (uuid(), uuid(), uuid());
    my $run = join '', map { sprintf '%02x', int rand 256 } 1 .. 6;

    my $ng = HsTest->new(
        modules => [qw(audit users_info audit_probe)],
        yaml => <<'YAML',
security:
  roles:
    tenant_admin: ["audit:read", "users:*", "cities:*"]
    viewer: ["users:read"]
YAML
        http => qq{
            hyperspot_config %%YAML%%;
            hyperspot_database $url;
            hyperspot_migrations $FindBin::Bin/../migrations;
            hyperspot_jwks_file @{[ $keys->jwks_file ]};
            hyperspot_jwt_issuer https://idp.example.com;
            hyperspot_jwt_audience hyperspot;
            server {
                listen 127.0.0.1:%%PORT%%;
                location / { hyperspot on; hyperspot_check_responses on; }
            }
        });
    $ng->start;

    my %base = (iss => 'https://idp.example.com', aud => 'hyperspot');
    my ($admin1, $viewer1, $admin2, $nil_admin, $expired) = $keys->mint(
        map { { claims => HsAuth::claims(%base, %$_), alg => 'RS256', key => 'rsa1' } }
            { sub => $S1, tenants => [$T1], roles => ['tenant_admin'] },
            { sub => $S2, tenants => [$T1], roles => ['viewer'] },
            { sub => $S3, tenants => [$T2], roles => ['tenant_admin'] },
            { sub => $S1, tenants => [$NIL], roles => ['tenant_admin'] },
            { sub => $S1, tenants => [$T1], roles => ['tenant_admin'],
              exp => time - 3600 });
    my %a1 = (headers => HsAuth::bearer($admin1));
    my %a2 = (headers => HsAuth::bearer($admin2));
    my $list = sub {
        my ($q, %o) = @_;
        my $r = $ng->get("$E?" . enc($q), %a1, %o);
        is $r->{status}, 200, "$kind: GET $E?$q" or diag $r->{content};
        return $r->{json}{items} // [];
    };

    # --- a successful request is no security event
    my $t0 = now_rfc3339(time - 1);
    my $r = $ng->get($U, %a1);
    is $r->{status}, 200, "$kind: the administrator lists users";
    my $ok_rid = $r->{headers}{'x-request-id'};
    is_deeply $list->("\$filter=request_id eq '$ok_rid'"), [],
        "$kind: a plain successful request leaves no event";

    # --- a permission denial (403), on the pool thread
    $r = $ng->post($U, headers => HsAuth::bearer($viewer1),
                   json => { email => 'x@example.com', display_name => 'X' });
    HsTest::problem_ok($r, 403, 'forbidden', "$kind: the viewer may not create users");
    my $deny_rid = $r->{headers}{'x-request-id'};
    my $items = $list->("\$filter=request_id eq '$deny_rid'");
    is scalar @$items, 1, "$kind: the denial is one event";
    my $deny = $items->[0] // {};
    is $deny->{action}, 'access.denied', "$kind: action access.denied";
    is $deny->{outcome}, 'denied', "$kind: outcome denied";
    is $deny->{tenant_id}, $T1, "$kind: the caller's tenant";
    is $deny->{subject_id}, $S2, "$kind: the caller";
    is $deny->{auth_method}, 'jwt', "$kind: authenticated by a JWT";
    is $deny->{request_id}, $deny_rid, "$kind: request id = X-Request-ID";
    is $deny->{source}, '127.0.0.1', "$kind: source address";
    is $deny->{resource}, $U, "$kind: resource is the path";
    like $deny->{detail}, qr/POST \Q$U\E requires users:write/, "$kind: detail";
    like $deny->{time}, $RFC3339_MS, "$kind: time is RFC 3339 UTC with ms";
    my $t1 = now_rfc3339(time + 1);
    ok $deny->{time} ge $t0 && $deny->{time} le $t1, "$kind: time is now"
        or diag "$t0 <= $deny->{time} <= $t1";
    is_deeply $ng->get("$E/$deny->{id}", %a1)->{json}, $deny,
        "$kind: GET by id gives the same event";
    is $ng->get($U, headers => HsAuth::bearer($viewer1))->{status}, 200,
        "$kind: the viewer may read users";
    is $ng->get($E, headers => HsAuth::bearer($viewer1))->{status}, 403,
        "$kind: but not the audit trail";

    # --- what a module reports (hs_call_audit), a success
    $r = $ng->post($P, headers => { %{ HsAuth::bearer($admin1) },
                                         'X-Request-ID' => "probe-$run" },
                   json => { action => 'api_key.created', outcome => 'success',
                             resource => 'key-1', detail => 'created key key-1' });
    is $r->{status}, 204, "$kind: a module reports an event" or diag $r->{content};
    is $r->{headers}{'x-request-id'}, "probe-$run", "$kind: with the client's request id";
    $items = $list->("\$filter=request_id eq 'probe-$run'");
    is scalar @$items, 1, "$kind: stored";
    is_deeply [ map { $items->[0]{$_} } qw(action outcome tenant_id subject_id auth_method source resource detail) ],
        ['api_key.created', 'success', $T1, $S1, 'jwt', '127.0.0.1', 'key-1', 'created key key-1'],
        "$kind: with every field";

    # invalid UTF-8 and over-long texts are stored cut and repaired
    $r = $ng->request('POST', $P, headers => { %{ HsAuth::bearer($admin1) },
                                               'Content-Type' => 'application/json',
                                               'X-Request-ID' => "long-$run" },
                      body => qq({"action": "probe.long", "outcome": "success", "detail": ")
                              . ('x' x 5000) . '"}');
    is $r->{status}, 204, "$kind: a long detail";
    $items = $list->("\$filter=request_id eq 'long-$run'");
    cmp_ok length($items->[0]{detail} // ''), '<=', 2048, "$kind: is cut";

    # --- a refused token, on the event loop: stored under the reserved tenant
    $r = $ng->get($U, headers => HsAuth::bearer($expired));
    HsTest::problem_ok($r, 401, 'unauthorized', "$kind: an expired token");
    my $bad_rid = $r->{headers}{'x-request-id'};
    is_deeply $list->("\$filter=request_id eq '$bad_rid'"), [],
        "$kind: a tenant does not see the refused token's event";
    SKIP: {
        skip "$cli is not installed", 9 unless $have_cli;
        my @rows = db_wait($ng, $kind, $url,
            "SELECT tenant_id, action, outcome, COALESCE(subject_id, '-'), auth_method,"
            . " request_id, source, resource, detail, event_time FROM audit_events"
            . " WHERE request_id = '$bad_rid'", 1);
        is scalar @rows, 1, "$kind: the refused token is one stored event";
        my ($t, $act, $out, $sub, $meth, $rid, $src, $res, $det, $time) = @{ $rows[0] // [] };
        is $t, $NIL, "$kind: under the reserved tenant";
        is "$act $out", 'auth.failed failure', "$kind: auth.failed failure";
        is $sub, '-', "$kind: no subject";
        is $meth, 'jwt', "$kind: a JWT was presented";
        is $rid, $bad_rid, "$kind: request id = X-Request-ID";
        is $src, '127.0.0.1', "$kind: source";
        like $det, qr/expired/i, "$kind: the detail says why";
        like $time, $RFC3339_MS, "$kind: time";
    }
    $r = $ng->get($E, headers => HsAuth::bearer($nil_admin));
    HsTest::problem_ok($r, 403, 'forbidden', "$kind: a token of the reserved tenant does not read it");

    # --- another tenant's administrator sees none of it
    $r = $ng->get("$E?limit=200", %a2);
    is $r->{status}, 200, "$kind: T2 lists its trail";
    is_deeply [ grep { $_->{tenant_id} ne $T2 } @{ $r->{json}{items} } ], [],
        "$kind: only T2's events";
    is_deeply [ grep { ($_->{request_id} // '') =~ /^(?:\Q$deny_rid\E|probe-$run)$/ }
                @{ $r->{json}{items} } ], [], "$kind: none of T1's";
    HsTest::problem_ok($ng->get("$E/$deny->{id}", %a2), 404, 'not_found',
                       "$kind: T1's event by id is 404 for T2");

    # --- filters, the default order, paging
    for my $i (1 .. 5) {
        $ng->post($P, headers => { %{ HsAuth::bearer($admin1) }, 'X-Request-ID' => "page-$run-$i" },
                  json => { action => 'probe.page', outcome => $i % 2 ? 'success' : 'failure',
                            resource => "r$i", detail => "page $i" });
    }
    my $all = $list->('limit=200');
    my @times = map { $_->{time} } @$all;
    is_deeply \@times, [ sort { $b cmp $a } @times ], "$kind: newest first by default";
    is $all->[0]{request_id}, "page-$run-5", "$kind: the latest event first";
    is_deeply [ map { $_->{request_id} } @{ $list->("\$filter=action eq 'probe.page'&\$orderby=time asc") } ],
        [ map { "page-$run-$_" } 1 .. 5 ], "$kind: \$orderby=time asc";
    is scalar @{ $list->("\$filter=action eq 'probe.page' and outcome eq 'failure'") }, 2,
        "$kind: action and outcome";
    is scalar @{ $list->("\$filter=subject_id eq '$S2'") }, 2,
        "$kind: subject_id (the denial and the viewer's own 403)";
    is scalar @{ $list->("\$filter=source eq '127.0.0.1'") }, scalar @$all, "$kind: source";
    is scalar @{ $list->("\$filter=source ne '127.0.0.1'") }, 0, "$kind: source ne";
    my $mid = $all->[2]{time};
    my $lo = $all->[-1]{time};
    my @range = grep { $_->{time} ge $lo && $_->{time} lt $mid } @$all;
    is scalar @{ $list->("\$filter=time ge $lo and time lt $mid&limit=200") }, scalar @range,
        "$kind: a time range";
    is scalar @{ $list->('$filter=time gt ' . now_rfc3339(time + 3600)) }, 0,
        "$kind: nothing in the future";
    $r = $ng->get("$E?" . enc("\$filter=detail eq 'x'"), %a1);
    HsTest::problem_ok($r, 400, 'bad_request', "$kind: detail is not filterable");
    $r = $ng->get("$E?" . enc("\$filter=tenant_id eq $T2"), %a1);
    HsTest::problem_ok($r, 400, 'bad_request', "$kind: nor is tenant_id");

    my (@seen, $cursor, $pages);
    my $q = "\$filter=action eq 'probe.page'&limit=2";
    do {
        $r = $ng->get("$E?" . enc($q) . ($cursor ? "&cursor=$cursor" : ''), %a1);
        is $r->{status}, 200, "$kind: page " . ++$pages;
        push @seen, map { $_->{request_id} } @{ $r->{json}{items} };
        $cursor = $r->{json}{page_info}{next_cursor};
    } while ($cursor && $pages < 10);
    is_deeply \@seen, [ map { "page-$run-$_" } reverse 1 .. 5 ],
        "$kind: three pages of two, newest first, nothing twice";
    $r = $ng->get("$E?" . enc($q) . "&cursor=$r->{json}{page_info}{prev_cursor}", %a1);
    is_deeply [ map { $_->{request_id} } @{ $r->{json}{items} } ],
        [ map { "page-$run-$_" } 3, 2 ], "$kind: prev_cursor goes back";
    $r = $ng->get("$E?\$select=action,time&limit=1", %a1);
    is_deeply [ sort keys %{ $r->{json}{items}[0] } ], [qw(action id time)], "$kind: \$select";

    # --- nobody can write
    my $before = $list->('limit=200');
    for my $try (['POST', $E, { action => 'forged', outcome => 'success' }],
                 ['PUT', $E, {}],
                 ['PATCH', "$E/$deny->{id}", { outcome => 'success' }],
                 ['PUT', "$E/$deny->{id}", { outcome => 'success' }],
                 ['DELETE', "$E/$deny->{id}"],
                 ['DELETE', $E]) {
        my ($m, $p, $j) = @$try;
        $r = $ng->request($m, $p, %a1, ($j ? (json => $j) : ()));
        HsTest::problem_ok($r, 405, 'method_not_allowed', "$kind: $m $p is 405");
        like $r->{headers}{allow} // '', qr/^GET\b/, "$kind: $m $p: Allow: GET";
        unlike $r->{headers}{allow} // '', qr/POST|PUT|PATCH|DELETE/, "$kind: $m $p: only reads";
    }
    is_deeply $list->('limit=200'), $before, "$kind: the trail is unchanged";
    is_deeply $ng->get("$E/$deny->{id}", %a1)->{json}, $deny, "$kind: the event is unchanged";
    my $doc = $ng->get('/openapi.json')->{json};
    is_deeply [ map { sort keys %{ $doc->{paths}{$_} } } "$E", "$E/{id}" ], [qw(get get)],
        "$kind: the API documents reads only";

    # --- a flood of bad tokens: the core records 100 a second, counts the rest
    SKIP: {
        skip "$cli is not installed", 4 unless $have_cli;
        my $n = 300;
        my $req = join '', map {
            "GET $U HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer not.a.token\r\n"
            . "X-Request-ID: flood-$run-$_\r\n" . ($_ == $n ? "Connection: close\r\n" : '') . "\r\n"
        } 1 .. $n;
        my $out = $ng->raw_request($req, timeout => 30);
        my $answers = () = $out =~ m{HTTP/1\.1 401 Unauthorized\r\n}g;
        is $answers, $n, "$kind: every flooded request is refused (401)";

        sleep 1.2;    # the next second: its first event reports what was left out
        $r = $ng->get($U, headers => { Authorization => 'Bearer not.a.token',
                                       'X-Request-ID' => "flood-$run-last" });
        my $sql = "SELECT request_id, detail FROM audit_events"
                . " WHERE tenant_id = '$NIL' AND request_id LIKE 'flood-$run-%'";
        my @rows = db_wait($ng, $kind, $url, "$sql AND request_id = 'flood-$run-last'", 1);
        @rows = db_rows($ng, $kind, $url, $sql);
        my $left_out = 0;
        for (@rows) {
            $left_out += $1 while $_->[1] =~ /and (\d+) more events not recorded: more than 100 a second/g;
        }
        cmp_ok scalar @rows, '<', $n, "$kind: fewer events than requests were stored"
            or diag scalar @rows;
        cmp_ok $left_out, '>', 0, "$kind: the suppressed count is recorded";
        is scalar(@rows) + $left_out, $n + 1, "$kind: stored + suppressed = every refusal";
    }

    # --- a reload keeps the sink and the trail
    $ng->reload;
    $r = $ng->post($P, headers => { %{ HsAuth::bearer($admin1) }, 'X-Request-ID' => "reload-$run" },
                   json => { action => 'probe.reload', outcome => 'success', detail => 'after reload' });
    is $r->{status}, 204, "$kind: after a reload";
    is scalar @{ $list->("\$filter=request_id eq 'reload-$run'") }, 1, "$kind: new events are stored";
    is_deeply $ng->get("$E/$deny->{id}", %a1)->{json}, $deny, "$kind: old ones are kept";

    # --- a write that fails is logged with the event: the database
    # refuses one row (a trigger on SQLite, a constraint on PostgreSQL;
    # only this test writes the table, so nothing else is disturbed)
    my @allow;
    SKIP: {
        skip "$cli is not installed", 4 unless $have_cli;
        my $lost = "lost-$run";
        ok db_exec($ng, $kind, $url, $kind eq 'sqlite'
                ? "CREATE TRIGGER audit_refuse BEFORE INSERT ON audit_events"
                  . " WHEN NEW.request_id = '$lost' BEGIN SELECT RAISE(ABORT, 'refused'); END"
                : "ALTER TABLE audit_events ADD CONSTRAINT audit_refuse"
                  . " CHECK (request_id <> '$lost') NOT VALID"),
            "$kind: the database will refuse the event";
        $ng->get($U, headers => { Authorization => 'Bearer not.a.token',
                                  'X-Request-ID' => $lost });
        my $logged = 0;
        for (1 .. 100) {
            $logged = $ng->error_log =~ /\[error\].*audit event not stored: auth\.failed failure tenant=- subject=- method=jwt source=127\.0\.0\.1 request=$lost resource=\Q$U\E: the bearer token is not valid: jwt: /;
            last if $logged;
            sleep 0.1;
        }
        ok $logged, "$kind: the event is in the error log, at error level";
        db_exec($ng, $kind, $url, $kind eq 'sqlite' ? 'DROP TRIGGER audit_refuse'
                : 'ALTER TABLE audit_events DROP CONSTRAINT audit_refuse');

        $ng->get($U, headers => { Authorization => 'Bearer not.a.token',
                                  'X-Request-ID' => "back-$run" });
        is scalar(db_wait($ng, $kind, $url,
                          "SELECT id FROM audit_events WHERE request_id = 'back-$run'", 1)), 1,
            "$kind: then events are stored again";
        is scalar(db_rows($ng, $kind, $url,
                          "SELECT id FROM audit_events WHERE request_id = '$lost'")), 0,
            "$kind: (the refused one is only in the log)";
        @allow = (qr/audit(?: event not stored: .*request=$lost |: storing event "auth\.failed" of request $lost failed)/);
    }

    $ng->check_log(allow => \@allow, name => $kind);
    $ng->stop;

    # --- two workers write the same trail
    $ng->update(workers => 2);
    $ng->start;
    my @pids = $ng->worker_pids;
    is scalar @pids, 2, "$kind: two workers";
    for my $i (1 .. 20) {
        $ng->post($U, headers => { %{ HsAuth::bearer($viewer1) }, 'X-Request-ID' => "two-$run-$i" },
                  json => { email => "u$i\@example.com", display_name => 'U' });
    }
    is_deeply [ sort map { $_->{request_id} } @{ $list->("\$filter=startswith(request_id,'two-$run-')&limit=200") } ],
        [ sort map { "two-$run-$_" } 1 .. 20 ], "$kind: every denial is recorded once";
    $ng->check_log(allow => \@allow, name => "$kind, two workers");
    $ng->stop;
}
