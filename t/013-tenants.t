# tenants on SQLite and on PostgreSQL: the root created on first use, a
# tree of child tenants (201 + Location), gets and OData lists with
# cursors, visibility (a caller's subtree, the self-managed barrier, 404
# for everything else), status transitions and their errors, the
# HS_GATE_TENANT gate in front of users_info (403 before the handler,
# nothing changes, in both workers at once), audit events, the resolver
# client (through t/modules/tenants_probe), a reload, and the development
# tenant of ./build.sh run. Tokens are minted with PyJWT (HsAuth).
#
# Each run builds its tree below a fresh tenant P, so that a PostgreSQL
# database reused by an earlier run changes nothing.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use HsTest;
use HsAuth;

plan skip_all => 'modules not built'
    unless HsTest::have_modules(qw(tenants tenants_probe users_info));
plan skip_all => 'python3-jwt is not installed' unless HsAuth::available();

my $keys = HsAuth->new;
my $R = 'f0000000-0000-4000-8000-000000000001';    # the configured root
my $TN = '/tenants/v1/tenants';
my $U = '/users-info/v1/users';

my @dbs = (['sqlite', 'sqlite://%%DATA%%/hs.db']);
push @dbs, ['postgres', $ENV{HS_TEST_PG_URL}] if $ENV{HS_TEST_PG_URL};
diag 'HS_TEST_PG_URL is not set: PostgreSQL part skipped' unless $ENV{HS_TEST_PG_URL};

for my $db (@dbs) {
    note "=== $db->[0]";
    run_suite(@$db);
}

dev_tenant();

done_testing;

sub uuid {
    my @h = map { sprintf '%04x', int rand 65536 } 1 .. 8;
    $h[3] = sprintf '4%03x', hex($h[3]) & 0xfff;
    $h[4] = sprintf '%04x', (hex($h[4]) & 0x3fff) | 0x8000;
    return "$h[0]$h[1]-$h[2]-$h[3]-$h[4]-$h[5]$h[6]$h[7]";
}

sub uri {
    my ($s) = @_;
    $s =~ s/([^A-Za-z0-9\-._~])/sprintf('%%%02X', ord $1)/ge;
    return $s;
}

sub ids { [ map { $_->{id} } @{ $_[0]{json}{items} || [] } ] }

sub run_suite {
    my ($kind, $url) = @_;

    my $ng = HsTest->new(
        modules => [qw(tenants tenants_probe users_info)],
        workers => 2,
        yaml => <<"YAML",
security:
  roles:
    admin: ["tenants:*", "users:*"]
    reader: ["tenants:read", "users:read"]
modules:
  tenants:
    config:
      root_tenant: $R
      root_name: Root
      max_depth: 4
      max_page: 100
YAML
        http => qq{
            log_format who '\$pid \$status \$hs_tenant_id \$request_uri';
            access_log %%PREFIX%%/logs/who.log who;
            hyperspot_config %%YAML%%;
            hyperspot_database $url;
            hyperspot_migrations $FindBin::Bin/../migrations;
            hyperspot_jwks_file @{[ $keys->jwks_file ]};
            server {
                listen 127.0.0.1:%%PORT%%;
                location / { hyperspot on; hyperspot_check_responses on; }
            }
        });
    $ng->start;

    # the tree of this run, below R:
    #   P -- A -- A1
    #     |    `- S (self-managed) -- S1
    #     `- B
    my %id = map { $_ => uuid() } qw(P A A1 S S1 B X);
    my %tok;
    my @who = (qw(R P A A1 S S1 B X));
    my @t = $keys->mint(map {
        { claims => HsAuth::claims(sub => "admin-$_", tenants => [$_ eq 'R' ? $R : $id{$_}],
                                   roles => ['admin']), alg => 'RS256', key => 'rsa1' }
    } @who);
    @tok{@who} = @t;
    $tok{reader_P} = $keys->token(sub => 'reader-p', tenants => [$id{P}], roles => ['reader']);
    my %as = map { $_ => { headers => HsAuth::bearer($tok{$_}) } } keys %tok;
    my $name = sub { my ($n) = @_; return "$n-$id{P}" };

    # --- the root exists on first use
    my $r = $ng->get("$TN/$R", %{ $as{R} });
    is $r->{status}, 200, "$kind: the root is there on the first request" or diag $r->{content};
    is $r->{json}{parent_id}, undef, "$kind: root has no parent";
    is $r->{json}{depth}, 0, "$kind: root depth 0";
    is $r->{json}{status}, 'active', "$kind: root is active";

    # --- an unregistered tenant is refused before any handler
    $r = $ng->get($U, %{ $as{X} });
    HsTest::problem_ok($r, 403, 'forbidden', "$kind: an unregistered tenant: 403");
    like $r->{json}{detail}, qr/tenant $id{X} is not registered/, "$kind: the detail says why";

    # --- create the tree
    $r = $ng->post($TN, %{ $as{R} }, json => { id => $id{P}, name => $name->('P') });
    is $r->{status}, 201, "$kind: R creates P" or diag $r->{content};
    is $r->{headers}{location}, "$TN/$id{P}", "$kind: Location";
    is $r->{json}{parent_id}, $R, "$kind: below the caller's tenant by default";
    is $r->{json}{depth}, 1, "$kind: depth 1";
    is $r->{json}{self_managed}, JSON::PP::false, "$kind: not self-managed";

    for my $c (['P', 'A', $id{P}, 0], ['P', 'B', undef, 0], ['A', 'A1', undef, 0],
               ['A', 'S', $id{A}, 1], ['S', 'S1', undef, 0]) {
        my ($by, $what, $parent, $sm) = @$c;
        $r = $ng->post($TN, %{ $as{$by} }, json => {
            id => $id{$what}, name => $name->($what), self_managed => $sm ? JSON::PP::true : JSON::PP::false,
            (defined $parent ? (parent_id => $parent) : ()) });
        is $r->{status}, 201, "$kind: $by creates $what" or diag $r->{content};
    }
    $r = $ng->get("$TN/$id{S1}", %{ $as{S} });
    is $r->{json}{parent_id}, $id{S}, "$kind: S1 is S's child";
    is $r->{json}{depth}, 4, "$kind: S1 at depth 4";

    # --- creation errors
    $r = $ng->post($TN, %{ $as{A} }, json => { name => 'x', parent_id => $id{S} });
    HsTest::problem_ok($r, 403, 'forbidden', "$kind: A cannot create below the self-managed S");
    like $r->{json}{detail}, qr/self-managed/, "$kind: the detail says why";
    for my $p ($id{S1}, $id{B}, $R, $id{X}) {
        $r = $ng->post($TN, %{ $as{A} }, json => { name => 'x', parent_id => $p });
        HsTest::problem_ok($r, 404, 'not_found', "$kind: A cannot create below a tenant it does not see");
    }
    $r = $ng->post($TN, %{ $as{S} }, json => { name => 'too deep', parent_id => $id{S1} });
    HsTest::problem_ok($r, 422, 'validation_failed', "$kind: beyond max_depth");
    $r = $ng->post($TN, %{ $as{reader_P} }, json => { name => 'x' });
    HsTest::problem_ok($r, 403, 'forbidden', "$kind: tenants:read may not create");
    $r = $ng->post($TN, %{ $as{P} }, json => { name => '' });
    HsTest::problem_ok($r, 422, 'validation_failed', "$kind: an empty name");
    $r = $ng->post($TN, %{ $as{P} }, json => { name => 'x', status => 'suspended' });
    HsTest::problem_ok($r, 422, 'validation_failed', "$kind: no status at creation");
    $r = $ng->post($TN, %{ $as{P} }, json => { id => $id{A}, name => 'again' });
    HsTest::problem_ok($r, 409, 'conflict', "$kind: an id that exists");
    is_deeply ids($ng->get("$TN/$id{P}/children", %{ $as{P} })), [ sort $id{A}, $id{B} ],
        "$kind: nothing was created by the refused requests";

    # --- visibility
    my %sees = (
        P  => [qw(P A A1 S B)],
        A  => [qw(A A1 S)],
        A1 => [qw(A1)],
        S  => [qw(S S1)],
        S1 => [qw(S1)],
        B  => [qw(B)],
    );
    for my $who (sort keys %sees) {
        my %yes = map { $_ => 1 } @{ $sees{$who} };
        my (@seen, @hidden);
        for my $what (qw(P A A1 S S1 B)) {
            $r = $ng->get("$TN/$id{$what}", %{ $as{$who} });
            if ($yes{$what}) {
                push @seen, $what if $r->{status} == 200;
            } else {
                push @hidden, $what if $r->{status} == 404 && $r->{json}{code} eq 'not_found';
            }
        }
        is "@seen", "@{ $sees{$who} }", "$kind: $who sees @{ $sees{$who} }";
        is scalar(@hidden), 6 - @{ $sees{$who} }, "$kind: $who gets 404 for the others";
    }
    is $ng->get("$TN/$R", %{ $as{P} })->{status}, 404, "$kind: P does not see the root";
    is $ng->get("$TN/$id{X}", %{ $as{P} })->{status}, 404, "$kind: an unknown id is the same 404";

    # --- lists
    $r = $ng->get("$TN/$id{P}/descendants?\$orderby=name", %{ $as{P} });
    is_deeply [ map { $_->{name} } @{ $r->{json}{items} } ],
        [ map { $name->($_) } qw(A A1 B S) ], "$kind: P's descendants stop at the barrier";
    $r = $ng->get("$TN/$id{P}/children?\$orderby=" . uri('name desc'), %{ $as{P} });
    is_deeply ids($r), [ $id{B}, $id{A} ], "$kind: P's children, name desc";
    $r = $ng->get("$TN/$id{A}/descendants?\$filter=" . uri('self_managed eq true'), %{ $as{A} });
    is_deeply ids($r), [ $id{S} ], "$kind: \$filter on self_managed";
    $r = $ng->get("$TN/$id{P}/descendants?\$filter=" . uri("startswith(name,'A') and status eq 'active'"), %{ $as{P} });
    is_deeply [ sort @{ ids($r) } ], [ sort $id{A}, $id{A1} ], "$kind: \$filter on name and status";
    $r = $ng->get("$TN/$id{S}/children", %{ $as{A} });
    HsTest::problem_ok($r, 403, 'forbidden', "$kind: A may not list the children of S");
    $r = $ng->get("$TN/$id{S}/descendants", %{ $as{P} });
    is $r->{status}, 403, "$kind: nor P the descendants of S";
    $r = $ng->get("$TN/$id{S}/descendants", %{ $as{S} });
    is_deeply ids($r), [ $id{S1} ], "$kind: S lists its own";
    $r = $ng->get("$TN/$id{P}/descendants", %{ $as{A} });
    HsTest::problem_ok($r, 404, 'not_found', "$kind: A cannot list below its parent");
    $r = $ng->get("$TN/$R/children", %{ $as{R} });
    ok((grep { $_ eq $id{P} } @{ ids($r) }), "$kind: R's children include P");

    # paging: P's 4 descendants, 3 then 1, and back
    my $ob = '$orderby=' . uri('name asc');
    $r = $ng->get("$TN/$id{P}/descendants?limit=3&$ob", %{ $as{P} });
    is scalar(@{ $r->{json}{items} }), 3, "$kind: first page of 3";
    is $r->{json}{page_info}{limit}, 3, "$kind: page_info.limit";
    my $next = $r->{json}{page_info}{next_cursor};
    ok $next, "$kind: a next cursor";
    my $r2 = $ng->get("$TN/$id{P}/descendants?limit=3&$ob&cursor=" . uri($next), %{ $as{P} });
    is_deeply ids($r2), [ $id{S} ], "$kind: second page";
    is $r2->{json}{page_info}{next_cursor}, undef, "$kind: the last page";
    my $r3 = $ng->get("$TN/$id{P}/descendants?limit=3&$ob&cursor=" . uri($r2->{json}{page_info}{prev_cursor}), %{ $as{P} });
    is_deeply ids($r3), ids($r), "$kind: prev_cursor returns the first page";
    for my $bad ('$filter=' . uri('path eq 1'), '$filter=' . uri("name eq"), '$orderby=parent_id',
                 'limit=1000', 'cursor=abc') {
        $r = $ng->get("$TN/$id{P}/descendants?$bad", %{ $as{P} });
        HsTest::problem_ok($r, 400, 'bad_request', "$kind: 400 for $bad");
    }

    # --- status: a tenant cannot change its own
    $r = $ng->patch("$TN/$id{A}", %{ $as{A} }, json => { status => 'suspended' });
    HsTest::problem_ok($r, 403, 'forbidden', "$kind: A cannot suspend itself");
    like $r->{json}{detail}, qr/cannot change its own status/, "$kind: the detail says why";
    $r = $ng->patch("$TN/$id{A}", %{ $as{A} }, json => { name => $name->('A') });
    is $r->{status}, 200, "$kind: but may rename itself";
    $r = $ng->patch("$TN/$id{S1}", %{ $as{A} }, json => { status => 'suspended' });
    HsTest::problem_ok($r, 404, 'not_found', "$kind: A cannot suspend S1 below the barrier");
    $r = $ng->patch("$TN/$id{A}", %{ $as{P} }, json => { status => 'frozen' });
    HsTest::problem_ok($r, 422, 'validation_failed', "$kind: an unknown status");
    $r = $ng->patch("$TN/$id{A}", %{ $as{reader_P} }, json => { status => 'suspended' });
    HsTest::problem_ok($r, 403, 'forbidden', "$kind: tenants:read may not change a status");
    is $ng->get("$TN/$id{A}", %{ $as{P} })->{json}{status}, 'active', "$kind: A is still active";
    is $ng->get("$TN/$id{S1}", %{ $as{S} })->{json}{status}, 'active', "$kind: S1 is still active";

    # A has a user before it is suspended
    $r = $ng->post($U, %{ $as{A} }, json => { email => 'ada@example.com', display_name => 'Ada' });
    is $r->{status}, 201, "$kind: A creates a user" or diag $r->{content};
    my $ada = $r->{json}{id};

    # --- P suspends A: every worker refuses A at once
    $r = $ng->patch("$TN/$id{A}", %{ $as{P} }, json => { status => 'suspended' });
    is $r->{status}, 200, "$kind: P suspends A" or diag $r->{content};
    is $r->{json}{status}, 'suspended', "$kind: suspended";
    my $log_mark = length HsTest::_slurp($ng->prefix . '/logs/who.log') // 0;
    my $refused = 0;
    for (1 .. 16) {
        $r = $ng->get($U, %{ $as{A} });
        $refused++ if $r->{status} == 403 && ($r->{json}{detail} // '') =~ /tenant $id{A} is suspended/;
    }
    is $refused, 16, "$kind: every request of A is refused with the reason";
    HsTest::problem_ok($r, 403, 'forbidden', "$kind: a problem");
    my $who = substr(HsTest::_slurp($ng->prefix . '/logs/who.log'), $log_mark);
    my %pids = map { /^(\d+) 403 \Q$id{A}\E / ? ($1 => 1) : () } split /\n/, $who;
    is scalar(keys %pids), 2, "$kind: refused by both workers";
    $r = $ng->post($U, %{ $as{A} }, json => { email => 'eve@example.com', display_name => 'Eve' });
    is $r->{status}, 403, "$kind: A cannot create a user";
    $r = $ng->patch("$U/$ada", %{ $as{A} }, json => { display_name => 'changed' });
    is $r->{status}, 403, "$kind: nor change one";
    $r = $ng->get($TN . "/$id{A}", %{ $as{A} });
    is $r->{status}, 403, "$kind: nor read its own tenant";
    $r = $ng->get($U, %{ $as{A1} });
    is $r->{status}, 200, "$kind: A's child A1 keeps its own status";
    $r = $ng->post($TN, %{ $as{P} }, json => { name => 'x', parent_id => $id{A} });
    HsTest::problem_ok($r, 409, 'conflict', "$kind: no child below a suspended tenant");
    $r = $ng->patch("$TN/$id{A}", %{ $as{P} }, json => { status => 'suspended' });
    is $r->{status}, 200, "$kind: suspending again changes nothing";

    # --- reactivation restores access, and nothing changed meanwhile
    $r = $ng->patch("$TN/$id{A}", %{ $as{P} }, json => { status => 'active' });
    is $r->{json}{status}, 'active', "$kind: P reactivates A";
    $r = $ng->get($U, %{ $as{A} });
    is $r->{status}, 200, "$kind: A is served again";
    is_deeply [ map { $_->{display_name} } @{ $r->{json}{items} } ], ['Ada'],
        "$kind: the refused requests changed nothing";

    # --- the barrier's own row is P's to suspend; S1 keeps its status
    $r = $ng->patch("$TN/$id{S}", %{ $as{A} }, json => { status => 'suspended' });
    is $r->{json}{status}, 'suspended', "$kind: A suspends the self-managed S";
    is $ng->get($U, %{ $as{S} })->{status}, 403, "$kind: S is refused";
    is $ng->get($U, %{ $as{S1} })->{status}, 200, "$kind: S1 is not";
    is $ng->patch("$TN/$id{S}", %{ $as{A} }, json => { status => 'active' })->{status}, 200,
        "$kind: A reactivates S";

    # --- deletion: only without live children, and final
    $r = $ng->patch("$TN/$id{A}", %{ $as{P} }, json => { status => 'deleted' });
    HsTest::problem_ok($r, 409, 'conflict', "$kind: A has children that are not deleted");
    like $r->{json}{detail}, qr/children that are not deleted/, "$kind: the detail says why";
    $r = $ng->patch("$TN/$id{A1}", %{ $as{A} }, json => { status => 'deleted' });
    is $r->{json}{status}, 'deleted', "$kind: A deletes A1";
    $r = $ng->patch("$TN/$id{A1}", %{ $as{A} }, json => { status => 'active' });
    HsTest::problem_ok($r, 409, 'conflict', "$kind: deleted is final");
    $r = $ng->patch("$TN/$id{A1}", %{ $as{A} }, json => { name => 'zombie' });
    is $r->{status}, 409, "$kind: a deleted tenant does not change at all";
    $r = $ng->get($U, %{ $as{A1} });
    HsTest::problem_ok($r, 403, 'forbidden', "$kind: a deleted tenant is refused");
    like $r->{json}{detail}, qr/is deleted/, "$kind: the detail says deleted";
    $r = $ng->get("$TN/$id{A}/children?\$filter=" . uri("status eq 'deleted'"), %{ $as{A} });
    is_deeply ids($r), [ $id{A1} ], "$kind: the deleted tenant is still listed";

    # --- audit events
    my $log = $ng->error_log;
    like $log, qr/audit: tenant\.status_changed success tenant=\Q$id{P}\E .*resource=\Q$id{A}\E: tenant \Q$id{A}\E: active -> suspended/,
        "$kind: a status change is an audit event";
    like $log, qr/audit: tenant\.created success tenant=\Q$id{A}\E .*resource=\Q$id{S}\E/,
        "$kind: a creation is one";
    like $log, qr/audit: access\.denied denied tenant=\Q$id{A}\E .*tenant \Q$id{A}\E is suspended/,
        "$kind: a refusal by the gate is one";

    # --- the resolver client, through tenants_probe
    $r = $ng->get("/tenants-probe/v1/$id{S1}", %{ $as{B} });
    is $r->{status}, 200, "$kind: resolve" or diag $r->{content};
    is_deeply $r->{json}, { id => $id{S1}, parent_id => $id{S}, status => 'active',
                            self_managed => JSON::PP::false, depth => 4,
                            ancestry => [ $R, $id{P}, $id{A}, $id{S} ] },
        "$kind: status, parent, self_managed, depth, ancestry";
    $r = $ng->get("/tenants-probe/v1/$R", %{ $as{B} });
    is_deeply [ $r->{json}{parent_id}, $r->{json}{ancestry} ], [ undef, [] ], "$kind: the root";
    is $ng->get("/tenants-probe/v1/$id{A1}", %{ $as{B} })->{json}{status}, 'deleted', "$kind: a deleted one";
    is $ng->get("/tenants-probe/v1/$id{X}", %{ $as{B} })->{status}, 404, "$kind: an unknown one";
    my %in = ("$id{S1}/in/$id{A}" => 1, "$id{S1}/in/$R" => 1, "$id{S1}/in/$id{S1}" => 1,
              "$id{S1}/in/$id{B}" => 0, "$id{A}/in/$id{S1}" => 0);
    for my $q (sort keys %in) {
        $r = $ng->get("/tenants-probe/v1/$q", %{ $as{B} });
        is $r->{json}{in_subtree}, $in{$q} ? JSON::PP::true : JSON::PP::false, "$kind: in_subtree $q";
    }

    # --- a reload keeps everything
    $ng->reload;
    $r = $ng->get("$TN/$id{P}/descendants?$ob", %{ $as{P} });
    is_deeply ids($r), ids($ng->get("$TN/$id{P}/descendants?$ob", %{ $as{P} })), "$kind: stable after reload";
    is_deeply [ sort @{ ids($r) } ], [ sort map { $id{$_} } qw(A A1 B S) ], "$kind: the tree survived the reload";
    is $ng->get($U, %{ $as{A} })->{json}{items}[0]{id}, $ada, "$kind: and A's data";
    is $ng->get($U, %{ $as{A1} })->{status}, 403, "$kind: and A1 stays deleted";

    $ng->check_log;
    $ng->stop;
}

# ./build.sh run: development mode, its tenant configured as the root
sub dev_tenant {
    my $dev = '00000000-0000-4000-8000-00000000000a';
    my $ng = HsTest->new(
        modules => [qw(tenants users_info)],
        yaml => "modules:\n  tenants:\n    config:\n      root_tenant: $dev\n",
        http => qq{
            hyperspot_config %%YAML%%;
            hyperspot_database sqlite://%%DATA%%/hs.db;
            hyperspot_migrations $FindBin::Bin/../migrations;
            server {
                listen 127.0.0.1:%%PORT%%;
                hyperspot_dev_tenant $dev;
                hyperspot_dev_tenant_header X-Dev-Tenant;
                location / { hyperspot on; }
            }
        });
    $ng->start;
    is $ng->get($U)->{status}, 200, 'dev: the development tenant, as the root, is served';
    my $r = $ng->get("$TN/$dev");
    is $r->{json}{name}, 'root', 'dev: the root has the default name';
    my $other = '00000000-0000-4000-8000-00000000000b';
    $r = $ng->get($U, headers => { 'X-Dev-Tenant' => $other });
    HsTest::problem_ok($r, 403, 'forbidden', 'dev: another, unregistered tenant is refused');
    $r = $ng->post($TN, json => { id => $other, name => 'other' });
    is $r->{status}, 201, 'dev: until the root creates it';
    is $ng->get($U, headers => { 'X-Dev-Tenant' => $other })->{status}, 200, 'dev: then it is served';
    $ng->check_log;
    $ng->stop;

    # configuration errors fail nginx -t
    $ng = HsTest->new(modules => [qw(tenants)], http => q{
        hyperspot_database sqlite://%%DATA%%/hs.db;
        server { listen 127.0.0.1:%%PORT%%; location / { hyperspot on; } }
    });
    my ($rc, $out) = $ng->test_config;
    isnt $rc, 0, 'no root_tenant: nginx -t fails';
    like $out, qr/root_tenant/, 'naming the setting';
    $ng = HsTest->new(modules => [qw(tenants)],
        yaml => "modules:\n  tenants:\n    config:\n      root_tenant: 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz'\n",
        http => q{
            hyperspot_config %%YAML%%;
            hyperspot_database sqlite://%%DATA%%/hs.db;
            server { listen 127.0.0.1:%%PORT%%; location / { hyperspot on; } }
        });
    ($rc, $out) = $ng->test_config;
    like $out, qr/root_tenant "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz" is not a uuid/, 'a malformed root_tenant';
    ok !-e $ng->data_dir . '/hs.db', 'nginx -t created no database';
}
