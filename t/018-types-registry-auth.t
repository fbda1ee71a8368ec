# types_registry and access control (JWTs minted with PyJWT): the
# HyperSpot API needs types_registry:read / types_registry:write; the GTS
# operations API takes the configured access rules (the same permissions
# by default, public for a conformance run); its prefix is configurable
# and it can be turned off; bad settings fail nginx -t. Registrations are
# platform-wide: a writer of one tenant registers what every tenant reads.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use HsTest;
use HsAuth;

plan skip_all => 'modules not built' unless HsTest::have_modules(qw(types_registry));
plan skip_all => 'python3-jwt is not installed' unless HsAuth::available();

my $keys = HsAuth->new;
my $T1 = 'aaaaaaaa-0000-4000-8000-000000000001';
my $T2 = 'bbbbbbbb-0000-4000-8000-000000000002';
my $SUB = 'cccccccc-0000-4000-8000-000000000003';
my $D7 = 'http://json-schema.org/draft-07/schema#';
my $E = '/types-registry/v1/entities';
my $TY = 'gts.x.auth.ev.thing.v1~';

my %base = (iss => 'https://idp.example.com', aud => 'hyperspot', sub => $SUB);
sub tok { $keys->token(%base, @_) }
sub auth { HsAuth::bearer($_[0]) }

sub esc {
    my ($s) = @_;
    $s =~ s/([^A-Za-z0-9._~-])/sprintf('%%%02X', ord $1)/ge;
    return $s;
}

sub conf {
    my ($config) = @_;
    return (
        yaml => "security:\n  roles:\n    reader: [\"types_registry:read\"]\n"
              . "    writer: [\"types_registry:*\"]\n    other: [\"users:*\"]\n"
              . ($config ? "modules:\n  types_registry:\n    config:\n$config" : ''),
        http => qq{
            hyperspot_config %%YAML%%;
            hyperspot_database sqlite://%%DATA%%/hs.db;
            hyperspot_migrations $FindBin::Bin/../migrations;
            hyperspot_jwks_file @{[ $keys->jwks_file ]};
            hyperspot_jwt_issuer https://idp.example.com;
            hyperspot_jwt_audience hyperspot;
            server {
                listen 127.0.0.1:%%PORT%%;
                location / { hyperspot on; }
            }
        });
}

my $reader = tok(tenants => [$T1], roles => ['reader']);
my $writer = tok(tenants => [$T1], roles => ['writer']);
my $other = tok(tenants => [$T1], roles => ['other']);
my $reader2 = tok(tenants => [$T2], roles => ['reader']);
my $type = { '$id' => "gts://$TY", '$schema' => $D7, type => 'object',
             properties => { id => { type => 'string' } } };
my $inst = { id => "${TY}x.auth._.one.v1" };

# --- the default: permissions on both APIs
{
    my $ng = HsTest->new(workers => 2, modules => ['types_registry'], conf(''));
    $ng->start;

    my $r = $ng->get($E);
    HsTest::problem_ok($r, 401, 'unauthorized', 'list without a token');
    HsTest::problem_ok($ng->post($E, json => { entities => [$type] }), 401, 'unauthorized',
                       'register without a token');
    HsTest::problem_ok($ng->get('/gts/entities'), 401, 'unauthorized', 'ops read without a token');
    HsTest::problem_ok($ng->post('/gts/entities', json => $type), 401, 'unauthorized',
                       'ops register without a token');
    HsTest::problem_ok($ng->get('/gts/validate-id?gts_id=gts.x.a.b.c.v1~'), 401, 'unauthorized',
                       'even the operations that touch no data');

    $r = $ng->get($E, headers => auth($reader));
    is $r->{status}, 200, 'a reader lists' or diag $r->{content};
    my $n0 = $r->{json}{count};

    $r = $ng->post($E, headers => auth($reader), json => { entities => [$type] });
    HsTest::problem_ok($r, 403, 'forbidden', 'a reader may not register');
    like $r->{json}{detail}, qr/types_registry:write/, 'the problem names the permission';
    $r = $ng->post('/gts/entities', headers => auth($reader), json => $type);
    HsTest::problem_ok($r, 403, 'forbidden', 'nor through the operations API');
    HsTest::problem_ok($ng->post('/gts/type-schemas', headers => auth($reader),
                                 json => { type_id => $TY, type_schema => { type => 'object' } }),
                       403, 'forbidden', 'nor through type-schemas');
    HsTest::problem_ok($ng->post('/gts/entities/bulk', headers => auth($reader), json => [$type]),
                       403, 'forbidden', 'nor in bulk');
    HsTest::problem_ok($ng->get($E, headers => auth($other)), 403, 'forbidden',
                       'other permissions grant nothing here');
    is $ng->get($E, headers => auth($reader))->{json}{count}, $n0, 'nothing was registered';

    $r = $ng->post($E, headers => auth($writer), json => { entities => [$type, $inst] });
    is $r->{status}, 200, 'a writer registers' or diag $r->{content};
    is $r->{json}{summary}{succeeded}, 2, 'both entities';
    $r = $ng->post('/gts/validate-instance', headers => auth($reader),
                   json => { instance_id => $inst->{id} });
    is $r->{json}{ok}, JSON::PP::true, 'a reader uses the ops reads';

    # platform-wide: another tenant's reader sees them
    $r = $ng->get("$E/" . esc($TY), headers => auth($reader2));
    is $r->{status}, 200, "another tenant reads the platform's types";
    is_deeply $r->{json}{content}, $type, 'the same content';
    $ng->check_log(name => 'permissions');
    $ng->stop;
}

# --- a conformance run: the operations API open, the HyperSpot API not
{
    my $ng = HsTest->new(modules => ['types_registry'],
                         conf("      ops_read_access: public\n      ops_write_access: public\n"));
    $ng->start;
    my $r = $ng->get('/gts/entities');
    is $r->{status}, 200, 'ops reads are public' or diag $r->{content};
    $r = $ng->post('/gts/entities', json => { %$type, '$id' => 'gts://gts.x.auth.ev.open.v1~' });
    is $r->{status}, 200, 'ops registrations are public';
    HsTest::problem_ok($ng->get($E), 401, 'unauthorized', 'the HyperSpot API still needs a token');
    $r = $ng->get("$E/" . esc('gts.x.auth.ev.open.v1~'), headers => auth($reader));
    is $r->{status}, 200, 'what was registered publicly is stored';
    my $doc = $ng->get('/openapi.json')->{json};
    is $doc->{paths}{'/gts/entities'}{post}{'x-hyperspot-access'}, 'public', 'the document says public';
    is $doc->{paths}{$E}{post}{'x-hyperspot-access'}, 'types_registry:write', 'and the permission here';
    is $doc->{paths}{'/gts/entities/{gts_id}'}{get}{operationId}, 'get_entity_entities__gts_id__get',
        "operation ids of operations-openapi.json";
    $ng->check_log(name => 'public operations API');
    $ng->stop;
}

# --- another prefix, reads authenticated, registrations by permission
{
    my $ng = HsTest->new(modules => ['types_registry'],
                         conf("      ops_prefix: /registry/gts\n      ops_read_access: authenticated\n"));
    $ng->start;
    is $ng->get('/gts/entities', headers => auth($other))->{status}, 404, 'nothing under /gts';
    my $r = $ng->get('/registry/gts/entities', headers => auth($other));
    is $r->{status}, 200, 'the operations API under /registry/gts, for any authenticated caller'
        or diag $r->{content};
    HsTest::problem_ok($ng->get('/registry/gts/entities'), 401, 'unauthorized', 'but authenticated');
    HsTest::problem_ok($ng->post('/registry/gts/entities', headers => auth($other), json => $type),
                       403, 'forbidden', 'registrations keep their permission');
    $ng->check_log(name => 'prefix');
    $ng->stop;
}

# --- the operations API turned off
{
    my $ng = HsTest->new(modules => ['types_registry'], conf("      ops_api: false\n"));
    $ng->start;
    is $ng->get('/gts/entities', headers => auth($reader))->{status}, 404, 'ops_api: false';
    is $ng->get($E, headers => auth($reader))->{status}, 200, 'the HyperSpot API stays';
    $ng->check_log(name => 'ops off');
    $ng->stop;
}

# --- settings that fail nginx -t
for my $bad ([ "      ops_prefix: gts\n", qr/ops_prefix "gts" must be empty or a path/ ],
             [ "      ops_prefix: /gts/\n", qr/ops_prefix/ ],
             [ "      ops_read_access: everyone\n", qr/everyone/ ],
             [ "      max_entities: 0\n", qr/max_entities/ ]) {
    my $ng = HsTest->new(modules => ['types_registry'], conf($bad->[0]));
    my ($rc, $out) = $ng->test_config;
    isnt $rc, 0, "nginx -t fails: $bad->[0]";
    like $out, $bad->[1], 'and says why';
}

# --- no database
{
    my $ng = HsTest->new(modules => ['types_registry'], http => q{
        server { listen 127.0.0.1:%%PORT%%; location / { hyperspot on; } } });
    my ($rc, $out) = $ng->test_config;
    isnt $rc, 0, 'no database: nginx -t fails';
    like $out, qr/types_registry.*no database/, 'and says so';
}

done_testing;
