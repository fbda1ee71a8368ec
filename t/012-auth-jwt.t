# JWT bearer authentication and RBAC in the core: the key set from a JWKS
# file, pinned algorithms, claims mapped to tenant, subject, roles and
# permissions, the operation's permission checked before its handler,
# RFC 6750 challenges. Tokens are minted with PyJWT (t/lib/mint_jwt.py).

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use HsTest;
use HsAuth;

plan skip_all => 'modules not built' unless HsTest::have_modules(qw(users_info));
plan skip_all => 'python3-jwt is not installed' unless HsAuth::available();

my $keys = HsAuth->new;
my $T1 = 'aaaaaaaa-0000-4000-8000-000000000001';
my $T2 = 'bbbbbbbb-0000-4000-8000-000000000002';
my $SUB = 'cccccccc-0000-4000-8000-000000000003';
my $U = '/users-info/v1/users';

my $ng = HsTest->new(
    modules => ['users_info'],
    yaml => <<'YAML',
security:
  roles:
    reader: ["*:read"]
    editor: ["users:*", "cities:*"]
YAML
    http => qq{
        log_format auth '\$status \$hs_auth_method \$hs_tenant_id \$hs_subject_id';
        access_log %%PREFIX%%/logs/auth.log auth;
        hyperspot_config %%YAML%%;
        hyperspot_database sqlite://%%DATA%%/hs.db;
        hyperspot_jwks_file @{[ $keys->jwks_file ]};
        hyperspot_jwt_issuer https://idp.example.com;
        hyperspot_jwt_audience hyperspot;
        server {
            listen 127.0.0.1:%%PORT%%;
            location / { hyperspot on; }
        }
    });
$ng->start;

my %base = (iss => 'https://idp.example.com', aud => 'hyperspot', sub => $SUB);
sub tok { $keys->token(%base, @_) }
sub auth { HsAuth::bearer($_[0]) }

# --- no credentials
{
    my $r = $ng->get($U);
    HsTest::problem_ok($r, 401, 'unauthorized', 'no credentials: 401');
    is $r->{headers}{'www-authenticate'}, 'Bearer realm="hyperspot"',
        'challenge without an error for a request without credentials';
    is $ng->get('/healthz')->{status}, 200, 'public operations need none';
}

# --- a reader
my $reader = tok(tenants => [$T1], roles => ['reader']);
{
    my $r = $ng->get($U, headers => auth($reader));
    is $r->{status}, 200, 'reader lists users' or diag $r->{content};
    is_deeply $r->{json}{items}, [], 'of its own tenant';

    $r = $ng->post($U, headers => auth($reader),
                   json => { email => 'ada@example.com', display_name => 'Ada' });
    HsTest::problem_ok($r, 403, 'forbidden', 'reader may not create');
    like $r->{json}{detail}, qr/requires the permission users:write/,
        '403 names the missing permission';
    is $ng->get($U, headers => auth($reader))->{json}{items}->@*, 0,
        'nothing was created';
}

# --- an editor of tenant 1 creates; tenant 2 does not see it
my $editor = tok(tenants => $T1, roles => 'editor');
my $id;
{
    my $r = $ng->post($U, headers => auth($editor),
                      json => { email => 'ada@example.com', display_name => 'Ada' });
    is $r->{status}, 201, 'editor (roles as a string) creates' or diag $r->{content};
    $id = $r->{json}{id};

    my $other = tok(tenants => [$T2], roles => ['editor', 'reader']);
    is $ng->get("$U/$id", headers => auth($other))->{status}, 404,
        "another tenant's token does not reach the user";
    is $ng->get("$U/$id", headers => auth($reader))->{status}, 200,
        'the reader of tenant 1 does';
}

# --- permissions straight from a claim, roles unknown to the platform
{
    my $t = tok(tenants => [$T1], permissions => ['users:read']);
    is $ng->get("$U/$id", headers => auth($t))->{status}, 200,
        'a permissions claim grants users:read';
    is $ng->get('/users-info/v1/cities', headers => auth($t))->{status}, 403,
        'and nothing else';

    $t = tok(tenants => [$T1], roles => ['superuser']);
    is $ng->get("$U/$id", headers => auth($t))->{status}, 403,
        'a role the platform does not define grants nothing';

    $t = tok(tenants => [$T1], permissions => 'users:* cities:read');
    is $ng->get('/users-info/v1/cities', headers => auth($t))->{status}, 200,
        'a space-separated permissions string';
}

# --- ES256 is allowed by default, HS256 is not
{
    my $t = tok(tenants => [$T1], roles => ['reader'], alg => 'ES256');
    is $ng->get($U, headers => auth($t))->{status}, 200, 'ES256 token';

    $t = tok(tenants => [$T1], roles => ['reader'], alg => 'HS256');
    my $r = $ng->get($U, headers => auth($t));
    HsTest::problem_ok($r, 401, 'unauthorized', 'HS256 is not allowed');
    like $r->{headers}{'www-authenticate'},
        qr/^Bearer realm="hyperspot", error="invalid_token", error_description="[^"]+"$/,
        'invalid_token challenge with a description';
}

# --- rejected tokens
{
    my %bad = (
        'expired'            => tok(tenants => [$T1], exp => time - 3600),
        'not yet valid'      => tok(tenants => [$T1], nbf => time + 3600),
        'wrong issuer'       => tok(tenants => [$T1], iss => 'https://evil.example.com'),
        'wrong audience'     => tok(tenants => [$T1], aud => 'someone-else'),
        'no tenant'          => tok(),
        'two tenants'        => tok(tenants => [$T1, $T2]),
        'tenant not a uuid'  => tok(tenants => ['acme']),
        'no exp'             => tok(tenants => [$T1], exp => undef),
    );
    for my $case (sort keys %bad) {
        my $r = $ng->get($U, headers => auth($bad{$case}));
        is $r->{status}, 401, "$case: 401";
        like $r->{headers}{'www-authenticate'} // '', qr/error="invalid_token"/,
            "$case: invalid_token";
    }
    like $ng->get($U, headers => auth($bad{expired}))->{json}{detail}, qr/expired/i,
        'the problem says the token expired';

    my $r = $ng->get($U, headers => { Authorization => 'Basic YTpi' });
    is $r->{status}, 401, 'another scheme: 401';
}

# --- the cache serves a token again, the log sees who asked
{
    for (1 .. 3) {
        is $ng->get("$U/$id", headers => auth($reader))->{status}, 200, "repeat $_";
    }
    my $log = HsTest::_slurp($ng->prefix . '/logs/auth.log');
    like $log, qr/^200 jwt $T1 $SUB$/m, '$hs_auth_method, $hs_tenant_id, $hs_subject_id logged';
    like $log, qr/^401 - - -$/m, 'refused requests log no tenant';
}

# --- refusals are audit events (in the log until an audit module is loaded)
{
    my $log = $ng->error_log;
    like $log, qr/audit: auth\.failed failure .*source=127\.0\.0\.1/,
        'a refused token is an audit event with its source address';
    like $log, qr/audit: access\.denied denied tenant=$T1 subject=$SUB method=jwt/,
        'a permission denial is one, with tenant and subject';
}

$ng->check_log;
$ng->stop;

# --- configuration errors
{
    my $n = HsTest->new(modules => ['users_info'], http => q{
        hyperspot_database sqlite://%%DATA%%/hs.db;
        hyperspot_jwks_file /nonexistent/jwks.json;
        server { listen 127.0.0.1:%%PORT%%; location / { hyperspot on; } }
    });
    my ($rc, $out) = $n->test_config;
    isnt $rc, 0, 'a missing JWKS file fails nginx -t';
    like $out, qr{open\(\) "/nonexistent/jwks.json" failed}, 'naming the file';

    $n = HsTest->new(modules => ['users_info'], http => q{
        hyperspot_jwt_algorithms RS256 none;
        server { listen 127.0.0.1:%%PORT%%; location / { hyperspot on; } }
    });
    ($rc, $out) = $n->test_config;
    like $out, qr/unknown JWT algorithm "none".*never accepted/, '"none" is no algorithm';

    $n = HsTest->new(modules => ['users_info'], http => qq{
        hyperspot_jwks_file @{[ $keys->jwks_file ]};
        server {
            listen 127.0.0.1:%%PORT%%;
            hyperspot_dev_tenant $T1;
            location / { hyperspot on; }
        }
    });
    ($rc, $out) = $n->test_config;
    isnt $rc, 0, 'development mode where authentication is configured fails';
    like $out, qr/hyperspot_dev_tenant cannot be used where authentication is configured/,
        'with a message that says why';

    $n = HsTest->new(modules => ['users_info'], yaml => "security:\n  roles:\n    bad: ['users:re*d']\n",
        http => q{
            hyperspot_config %%YAML%%;
            hyperspot_database sqlite://%%DATA%%/hs.db;
            server { listen 127.0.0.1:%%PORT%%; location / { hyperspot on; } }
        });
    ($rc, $out) = $n->test_config;
    like $out, qr/hyperspot\.yaml:3:\d+: security\.roles\.bad: role "bad": item 1 is not a permission pattern/,
        'a bad role pattern names file, line and role';
}

done_testing;
