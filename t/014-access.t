# access on SQLite and on PostgreSQL: API keys (created through REST,
# shown once, stored hashed, limited to what their creator holds, revoked
# and expired keys refused exactly like unknown ones, tenant-bound) and
# stored role assignments (granted on the next request and revoked at
# once in both workers, no privilege escalation), with JWTs minted by
# PyJWT (t/lib/HsAuth.pm).

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use JSON::PP;
use Time::HiRes qw(time sleep);
use POSIX qw(strftime);
use HsTest;
use HsAuth;

plan skip_all => 'modules not built' unless HsTest::have_modules(qw(users_info access));
plan skip_all => 'python3-jwt is not installed' unless HsAuth::available();

my @dbs = (['sqlite', 'sqlite://%%DATA%%/hs.db']);
# a server of its own: this test stops it and starts it again
my ($pgurl, $pgdir) = HsTest::private_pg();
push @dbs, ['postgres', $pgurl] if $pgurl;
diag 'HS_TEST_PG_URL is not set: PostgreSQL part skipped' unless $ENV{HS_TEST_PG_URL};

my $keys = HsAuth->new;
my $JSON = JSON::PP->new->canonical;

my $K = '/access/v1/api-keys';
my $RA = '/access/v1/role-assignments';
my $U = '/users-info/v1/users';

for my $db (@dbs) {
    my ($kind, $url) = @$db;
    note "=== $kind";
    run_suite($kind, $url);
}

done_testing;

# A fresh uuid: the PostgreSQL database outlives the test, tenants don't.
sub uuid {
    my $h = join '', map { sprintf '%04x', int rand 65536 } 1 .. 8;
    substr($h, 12, 1) = '4';
    return join '-', substr($h, 0, 8), substr($h, 8, 4), substr($h, 12, 4),
                     substr($h, 16, 4), substr($h, 20);
}

sub compact { (my $u = $_[0]) =~ tr/-//d; return $u }

sub rfc3339 { strftime('%Y-%m-%dT%H:%M:%SZ', gmtime $_[0]) }

sub uri {
    my ($s) = @_;
    $s =~ s/([^A-Za-z0-9\-._~])/sprintf('%%%02X', ord $1)/ge;
    return $s;
}

sub run_suite {
    my ($kind, $url) = @_;

    my ($T1, $T2) = (uuid(), uuid());
    my ($ADMIN, $MANAGER, $S2, $S3) = (uuid(), uuid(), uuid(), 'opaque|user@idp');

    my $ng = HsTest->new(
        modules => [qw(users_info access)],
        workers => 2,
        yaml => <<'YAML',
security:
  roles:
    admin: ["*"]
    viewer: ["users:read"]
    editor: ["users:*", "cities:*"]
    reader: ["*:read"]
YAML
        http => qq{
            log_format pids '\$pid \$status \$request_uri';
            access_log %%PREFIX%%/logs/pids.log pids;
            hyperspot_config %%YAML%%;
            hyperspot_database $url;
            hyperspot_migrations $FindBin::Bin/../migrations;
            hyperspot_jwks_file @{[ $keys->jwks_file ]};
            hyperspot_jwt_issuer https://idp.example.com;
            hyperspot_jwt_audience hyperspot;
            server {
                listen 127.0.0.1:%%PORT%% reuseport;
                location / { hyperspot on; hyperspot_check_responses on; }
            }
        });
    $ng->start;

    my %base = (iss => 'https://idp.example.com', aud => 'hyperspot');
    my @specs = (
        [$ADMIN, $T1, roles => ['admin']],
        [$ADMIN, $T2, roles => ['admin']],
        [$MANAGER, $T1, permissions => ['roles:*', 'api_keys:*', 'users:read']],
        [$S2, $T1],
        [$S2, $T2],
        [$S3, $T1, roles => ['reader']],
    );
    my ($admin, $admin2, $manager, $s2, $s2t2, $s3) = $keys->mint(map {
        my ($sub, $t, @c) = @$_;
        { claims => HsAuth::claims(%base, sub => $sub, tenants => [$t], @c),
          alg => 'RS256', key => 'rsa1' }
    } @specs);
    my %A = (headers => HsAuth::bearer($admin));
    my %A2 = (headers => HsAuth::bearer($admin2));
    my %M = (headers => HsAuth::bearer($manager));
    sub key_h { return (headers => { 'X-API-Key' => $_[0] }) }

    # data of both tenants to reach
    my $r = $ng->post($U, %A, json => { email => 'ada@example.com', display_name => 'Ada' });
    is $r->{status}, 201, "$kind: a user in tenant 1" or diag $r->{content};
    my $u1 = $r->{json}{id};
    $r = $ng->post($U, %A2, json => { email => 'bob@example.com', display_name => 'Bob' });
    is $r->{status}, 201, "$kind: a user in tenant 2";
    my $u2 = $r->{json}{id};

    # --- the defined roles
    $r = $ng->get('/access/v1/roles', %A);
    is $r->{status}, 200, "$kind: roles listed" or diag $r->{content};
    my %roles = map { $_->{name} => $_ } @{ $r->{json}{roles} };
    is_deeply [sort keys %roles], [qw(admin editor reader viewer)], "$kind: every defined role";
    is_deeply $roles{viewer}{grants}, ['users:read'], "$kind: with what it grants";
    ok((grep { $_ eq 'api_keys:write' } @{ $roles{admin}{grants} }), "$kind: the module's permissions are in the table");
    is $ng->get('/access/v1/roles', headers => HsAuth::bearer($s2))->{status}, 403,
        "$kind: roles:read is required";

    # --- create a key: 201, Location, the key once
    $r = $ng->post($K, %A, json => { name => 'ci reader', permissions => ['users:read'] });
    is $r->{status}, 201, "$kind: key created" or diag $r->{content};
    my $key = $r->{json};
    my $secret = $key->{key};
    like $secret, qr/^hsk_[0-9a-f]{32}_[0-9a-f]{32}_[0-9a-f]{64}$/, "$kind: key format";
    is substr($secret, 4, 32), compact($T1), "$kind: the key names its tenant";
    is substr($secret, 37, 32), compact($key->{id}), "$kind: and its id";
    is $r->{headers}{location}, "$K/$key->{id}", "$kind: Location";
    is_deeply $key->{permissions}, ['users:read'], "$kind: its permissions";
    is $key->{created_by}, $ADMIN, "$kind: its creator";
    is $key->{revoked_at}, undef, "$kind: not revoked";
    ok !exists $key->{secret_hash} && !exists $key->{salt}, "$kind: no hash, no salt";

    # --- the key works against users_info, within its permissions
    $r = $ng->get("$U/$u1", key_h($secret));
    is $r->{status}, 200, "$kind: the key reads a user" or diag $r->{content};
    is $r->{json}{email}, 'ada@example.com', "$kind: of its tenant";
    is $ng->get($U, key_h($secret))->{json}{items}->@*, 1, "$kind: and lists them";
    $r = $ng->post($U, key_h($secret), json => { email => 'eve@example.com', display_name => 'Eve' });
    HsTest::problem_ok($r, 403, 'forbidden', "$kind: the key's permissions limit it");
    is $ng->get($K, key_h($secret))->{status}, 403, "$kind: no api_keys:read for it";
    is $ng->get($U, %A)->{json}{items}->@*, 1, "$kind: nothing was created";

    # --- shown once: never listed, never fetched, never logged
    $r = $ng->get($K, %A);
    is $r->{status}, 200, "$kind: keys listed";
    is $r->{json}{items}->@*, 1, "$kind: one key";
    is $r->{json}{items}[0]{id}, $key->{id}, "$kind: this one";
    is_deeply $r->{json}{items}[0]{permissions}, ['users:read'], "$kind: permissions as a list";
    my $secret_part = substr($secret, 70);
    unlike $r->{content}, qr/$secret_part|secret_hash|salt|"key"/, "$kind: the list has no secret nor hash";
    $r = $ng->get("$K/$key->{id}", %A);
    is $r->{status}, 200, "$kind: key fetched";
    unlike $r->{content}, qr/$secret_part|secret_hash|salt|"key"/, "$kind: without its secret";
    $r = $ng->get("$K?\$select=name", %A);
    is_deeply [sort keys %{ $r->{json}{items}[0] }], [qw(id name)], "$kind: \$select";

    # --- tenant isolation
    $r = $ng->get("$U/$u2", key_h($secret));
    HsTest::problem_ok($r, 404, 'not_found', "$kind: a key of tenant 1 does not reach tenant 2's user");
    is $ng->get("$K/$key->{id}", %A2)->{status}, 404, "$kind: tenant 2 does not see tenant 1's key";
    is $ng->delete("$K/$key->{id}", %A2)->{status}, 404, "$kind: nor revoke it";
    is $ng->get($K, %A2)->{json}{items}->@*, 0, "$kind: tenant 2 lists no keys";
    is $ng->get("$U/$u1", key_h($secret))->{status}, 200, "$kind: the key still works";

    # --- refused keys: one 401, whatever the reason
    my %bad = (
        'forged tenant'    => 'hsk_' . compact($T2) . substr($secret, 36),
        'unknown key id'   => substr($secret, 0, 37) . compact(uuid()) . substr($secret, 69),
        'wrong secret'     => substr($secret, 0, 70) . ('0' x 64),
        'not a key'        => 'let-me-in',
        'upper case'       => uc $secret,
    );

    # --- expiry: works until then
    $r = $ng->post($K, %A, json => { name => 'short', permissions => ['users:read'],
                                     expires_at => rfc3339(time - 10) });
    HsTest::problem_ok($r, 422, 'validation_failed', "$kind: expires_at in the past");
    my $exp_at = int(time) + 3;
    $r = $ng->post($K, %A, json => { name => 'short', permissions => ['users:read'],
                                     expires_at => rfc3339($exp_at) });
    is $r->{status}, 201, "$kind: key with an expiry" or diag $r->{content};
    like $r->{json}{expires_at}, qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/, "$kind: stored as UTC with milliseconds";
    my $short = $r->{json}{key};
    is $ng->get("$U/$u1", key_h($short))->{status}, 200, "$kind: before it expires";

    # --- revocation: the row stays, the key stops
    $r = $ng->post($K, %A, json => { name => 'to revoke' });
    is $r->{status}, 201, "$kind: a key with the creator's permissions";
    my $rev = $r->{json};
    ok((grep { $_ eq 'api_keys:write' } @{ $rev->{permissions} }), "$kind: all of them by default");
    is $ng->get("$U/$u1", key_h($rev->{key}))->{status}, 200, "$kind: works before revocation";
    is $ng->delete("$K/$rev->{id}", %A)->{status}, 204, "$kind: revoked";
    $bad{revoked} = $rev->{key};
    $r = $ng->get("$K/$rev->{id}", %A);
    like $r->{json}{revoked_at}, qr/^\d{4}-/, "$kind: the row stays, with revoked_at";
    is $r->{json}{revoked_by}, $ADMIN, "$kind: and who revoked it";
    HsTest::problem_ok($ng->delete("$K/$rev->{id}", %A), 409, 'conflict', "$kind: revoking again is 409");
    is $ng->delete("$K/" . uuid(), %A)->{status}, 404, "$kind: an unknown key is 404";
    $r = $ng->get("$K?\$filter=" . uri('revoked_at eq null') . '&$orderby=' . uri('name asc'), %A);
    is_deeply [map { $_->{name} } @{ $r->{json}{items} }], ['ci reader', 'short'],
        "$kind: \$filter on revoked_at";

    sleep 0.2 while time < $exp_at + 0.1;
    $bad{expired} = $short;

    my $ref = $ng->get("$U/$u1", key_h($bad{'not a key'}));
    my $canon = sub {
        my ($res) = @_;
        my %j = %{ $res->{json} // {} };
        delete $j{trace_id};
        return $JSON->encode([$res->{status}, \%j, $res->{headers}{'www-authenticate'} // '',
                              $res->{headers}{'content-type'} // '']);
    };
    HsTest::problem_ok($ref, 401, 'unauthorized', "$kind: not a key: 401");
    for my $case (sort keys %bad) {
        $r = $ng->get("$U/$u1", key_h($bad{$case}));
        is $r->{status}, 401, "$kind: $case: 401";
        is $canon->($r), $canon->($ref), "$kind: $case: the same problem as any other";
    }
    is $ng->get("$U/$u1", key_h($secret))->{status}, 200, "$kind: the good key still works";

    # --- a key never grants more than its creator holds
    my $nkeys = $ng->get($K, %A)->{json}{items}->@*;
    $r = $ng->post($K, %M, json => { name => 'x', permissions => ['users:write'] });
    HsTest::problem_ok($r, 403, 'forbidden', "$kind: a permission the creator lacks");
    like $r->{json}{detail}, qr/users:write/, "$kind: named";
    $r = $ng->post($K, %M, json => { name => 'x', permissions => ['users:*'] });
    HsTest::problem_ok($r, 403, 'forbidden', "$kind: a pattern wider than the creator");
    $r = $ng->post($K, %M, json => { name => 'x', permissions => ['*'] });
    HsTest::problem_ok($r, 403, 'forbidden', "$kind: everything");
    $r = $ng->post($K, %M, json => { name => 'x', permissions => ['nothing:here', 'bad pattern'] });
    HsTest::problem_ok($r, 422, 'validation_failed', "$kind: patterns that match nothing");
    is scalar @{ $r->{json}{errors} }, 2, "$kind: each one named";
    $r = $ng->post($K, %M, json => { name => 'x', permissions => [] });
    HsTest::problem_ok($r, 422, 'validation_failed', "$kind: no permissions at all");
    is $ng->get($K, %A)->{json}{items}->@*, $nkeys, "$kind: no key was made";
    $r = $ng->post($K, %M, json => { name => 'manager key' });
    is $r->{status}, 201, "$kind: a key with what the creator holds";
    is_deeply [sort @{ $r->{json}{permissions} }], [qw(api_keys:read api_keys:write roles:read roles:write users:read)],
        "$kind: exactly that";
    my $mkey = $r->{json}{key};
    $r = $ng->post($K, key_h($mkey), json => { name => 'child', permissions => ['users:read'] });
    HsTest::problem_ok($r, 403, 'forbidden', "$kind: API keys do not create API keys");
    is $ng->get($K, %A)->{json}{items}->@*, $nkeys + 1, "$kind: only the manager's key was made";

    # --- stored role assignments: the next request, in both workers
    my $s2h = { headers => HsAuth::bearer($s2) };
    is $ng->get("$U/$u1", %$s2h)->{status}, 403, "$kind: a subject without roles";
    $r = $ng->post($RA, %A, json => { subject_id => $S2, role => 'viewer' });
    is $r->{status}, 201, "$kind: role assigned" or diag $r->{content};
    my $asg = $r->{json};
    is $r->{headers}{location}, "$RA/$asg->{id}", "$kind: Location";
    is_deeply [@$asg{qw(subject_id role created_by tenant_id)}], [$S2, 'viewer', $ADMIN, $T1],
        "$kind: the assignment";
    my @st = across_workers($ng, sub { $ng->get("$U/$u1", %$s2h)->{status} });
    is_deeply [grep { $_ != 200 } @st], [], "$kind: granted on the next request, in both workers";
    HsTest::problem_ok($ng->post($RA, %A, json => { subject_id => $S2, role => 'viewer' }),
                       409, 'conflict', "$kind: a duplicate assignment");
    HsTest::problem_ok($ng->post($RA, %A, json => { subject_id => $S2, role => 'superuser' }),
                       422, 'validation_failed', "$kind: an undefined role");
    HsTest::problem_ok($ng->post($RA, %A, json => { subject_id => "a b", role => 'viewer' }),
                       422, 'validation_failed', "$kind: a malformed subject");
    is $ng->get("$U/$u1", headers => HsAuth::bearer($s2t2))->{status}, 403,
        "$kind: the same subject in tenant 2 has no role";
    is $ng->get($RA, %A2)->{json}{items}->@*, 0, "$kind: tenant 2 lists no assignments";
    is $ng->delete("$RA/$asg->{id}", %A2)->{status}, 404, "$kind: nor removes tenant 1's";

    $r = $ng->post($RA, %A, json => { subject_id => $S3, role => 'editor' });
    is $r->{status}, 201, "$kind: an opaque subject";
    $r = $ng->get("$RA?\$filter=" . uri("subject_id eq '$S2'"), %A);
    is_deeply [map { $_->{role} } @{ $r->{json}{items} }], ['viewer'], "$kind: \$filter on subject_id";
    $r = $ng->get("$RA?\$filter=" . uri("role eq 'editor'"), %A);
    is_deeply [map { $_->{subject_id} } @{ $r->{json}{items} }], [$S3], "$kind: \$filter on role";
    is $ng->get("$RA/$asg->{id}", %A)->{json}{role}, 'viewer', "$kind: get by id";

    # the union of the token's roles and the stored ones
    my $s3h = { headers => HsAuth::bearer($s3) };
    is $ng->get('/users-info/v1/cities', %$s3h)->{status}, 200, "$kind: the token's reader role";
    $r = $ng->post($U, %$s3h, json => { email => 'carl@example.com', display_name => 'Carl' });
    is $r->{status}, 201, "$kind: and the stored editor role, together";

    # removal takes effect at once
    is $ng->delete("$RA/$asg->{id}", %A)->{status}, 204, "$kind: assignment removed";
    @st = across_workers($ng, sub { $ng->get("$U/$u1", %$s2h)->{status} });
    is_deeply [grep { $_ != 403 } @st], [], "$kind: revoked at once, in both workers";
    is $ng->delete("$RA/$asg->{id}", %A)->{status}, 404, "$kind: removing it again is 404";

    # --- no privilege escalation through assignments
    my $nasg = $ng->get($RA, %A)->{json}{items}->@*;
    $r = $ng->post($RA, %M, json => { subject_id => $S2, role => 'editor' });
    HsTest::problem_ok($r, 403, 'forbidden', "$kind: a role granting more than the caller holds");
    like $r->{json}{detail}, qr/users:write/, "$kind: naming what it lacks";
    $r = $ng->post($RA, %M, json => { subject_id => $MANAGER, role => 'admin' });
    HsTest::problem_ok($r, 403, 'forbidden', "$kind: not even to itself");
    is $ng->get($RA, %A)->{json}{items}->@*, $nasg, "$kind: nothing was assigned";
    $r = $ng->post($RA, %A, json => { subject_id => $S2, role => 'admin' });
    is $r->{status}, 201, "$kind: the admin may";
    my $adm = $r->{json}{id};
    HsTest::problem_ok($ng->delete("$RA/$adm", %M), 403, 'forbidden',
                       "$kind: nor may the manager take away a role it could not give");
    is $ng->get("$RA/$adm", %A)->{status}, 200, "$kind: the assignment stays";
    $r = $ng->post($RA, %M, json => { subject_id => $S2, role => 'viewer' });
    is $r->{status}, 201, "$kind: a role within the manager's permissions";
    is $ng->delete("$RA/$r->{json}{id}", %M)->{status}, 204, "$kind: and back";
    is $ng->delete("$RA/$adm", %A)->{status}, 204, "$kind: the admin removes it";
    is $ng->get("$U/$u1", %$s2h)->{status}, 403, "$kind: no role left";

    # --- a role stored for a key's subject adds to the key
    my $ksub = "api_key:$key->{id}";
    $r = $ng->post($RA, %A, json => { subject_id => $ksub, role => 'editor' });
    is $r->{status}, 201, "$kind: a role for the key";
    $r = $ng->post($U, key_h($secret), json => { email => 'dan@example.com', display_name => 'Dan' });
    is $r->{status}, 201, "$kind: the key may now write" or diag $r->{content};
    my $kasg = $ng->get("$RA?\$filter=" . uri("subject_id eq '$ksub'"), %A)->{json}{items}[0]{id};
    is $ng->delete("$RA/$kasg", %A)->{status}, 204, "$kind: role of the key removed";
    $r = $ng->post($U, key_h($secret), json => { email => 'ed@example.com', display_name => 'Ed' });
    is $r->{status}, 403, "$kind: and the key is back to its own permissions";

    # --- audit events (logged: no audit module is loaded)
    my $log = $ng->error_log;
    like $log, qr/audit: api_key\.created success tenant=$T1 subject=$ADMIN method=jwt .*resource=$key->{id}/,
        "$kind: key creation is an audit event";
    like $log, qr/audit: api_key\.revoked success tenant=$T1 .*resource=$rev->{id}/, "$kind: revocation";
    like $log, qr/audit: api_key\.rejected failure .*: revoked \(tenant $T1\)/, "$kind: a refused key, with the reason";
    like $log, qr/audit: api_key\.rejected failure .*: expired/, "$kind: expired";
    like $log, qr/audit: api_key\.created denied tenant=$T1 subject=$MANAGER/, "$kind: refused creation";
    like $log, qr/audit: role\.assigned success tenant=$T1 .*role viewer to subject $S2/, "$kind: assignment";
    like $log, qr/audit: role\.unassigned success tenant=$T1/, "$kind: removal";
    like $log, qr/audit: role\.assigned denied tenant=$T1 subject=$MANAGER/, "$kind: refused escalation";
    unlike $log, qr/$secret_part/, "$kind: no secret in the error log";
    unlike HsTest::_slurp($ng->prefix . '/logs/pids.log'), qr/$secret_part/, "$kind: nor in the access log";

    # --- keys and assignments outlive a reload
    $r = $ng->post($RA, %A, json => { subject_id => $S2, role => 'viewer' });
    is $r->{status}, 201, "$kind: a role before the reload";
    $ng->reload;
    is $ng->get("$U/$u1", key_h($secret))->{status}, 200, "$kind: the key works after a reload";
    is $ng->get("$U/$u1", key_h($bad{revoked}))->{status}, 401, "$kind: the revoked one still does not";
    is $ng->get("$U/$u1", %$s2h)->{status}, 200, "$kind: the stored role still counts";

    # --- the operations are documented
    $r = $ng->get('/openapi.json');
    ok $r->{json}{paths}{$K}{post} && $r->{json}{paths}{"$RA/{id}"}{delete}, "$kind: in /openapi.json";

    # --- no access decision without the database
    my @allow;
    if ($kind eq 'postgres') {
        my $pg = "$FindBin::Bin/lib/pg.sh";
        system("$pg down $pgdir >/dev/null 2>&1") == 0 or die 'pg down';
        $r = $ng->get("$U/$u1", key_h($secret), timeout => 20);
        HsTest::problem_ok($r, 503, 'service_unavailable', "$kind: database down: a key is 503, not 401");
        $r = $ng->get("$U/$u1", %$s2h, timeout => 20);
        HsTest::problem_ok($r, 503, 'service_unavailable', "$kind: and a token without its stored roles is 503");
        system("$pg up $pgdir >/dev/null 2>&1") == 0 or die 'pg up';
        my $ok = 0;
        for (1 .. 100) {
            last if $ok = $ng->get("$U/$u1", key_h($secret))->{status} == 200;
            sleep 0.2;
        }
        ok $ok, "$kind: served again when the database is back";
        @allow = (qr/(access|users_info): .*(connection|terminat|server closed|could not connect)/i,
                  qr/hyperspot: .*database/);
    }

    $ng->check_log(allow => \@allow);
    $ng->stop;
}

# Runs f until both workers have served a request (reuseport spreads the
# connections), at least 6 times; the results.
sub across_workers {
    my ($ng, $f) = @_;
    my $file = $ng->prefix . '/logs/pids.log';
    my $start = -s $file // 0;
    my (@res, %pids);
    for my $i (1 .. 60) {
        push @res, $f->();
        open my $fh, '<', $file or die "$file: $!";
        seek $fh, $start, 0;
        $pids{(split ' ', $_)[0]} = 1 while <$fh>;
        last if $i >= 6 && keys %pids >= 2;
    }
    ok keys %pids >= 2, 'both workers served' or diag explain \%pids;
    return @res;
}
