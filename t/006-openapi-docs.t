# One declaration per operation drives routing, validation and the
# OpenAPI document: /openapi.json, its lint, /docs in a real browser,
# hsctl, and declarations the platform refuses.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use File::Temp qw(tempdir);
use JSON::PP;
use HsTest;

plan skip_all => 'modules not built' unless HsTest::have_modules(qw(calculator calculator_gateway testkit));

my $REPO = "$FindBin::Bin/..";
my $REDOCLY = $ENV{HS_REDOCLY} // "$REPO/build/tools/node_modules/.bin/redocly";
my $HSCTL = HsTest::tool_env() . ($ENV{HS_HSCTL} // "$REPO/build/bin/hsctl");
my $CHROMIUM = '/usr/bin/chromium';

my $HTTP = q{
    hyperspot_config %%YAML%%;
    server {
        listen 127.0.0.1:%%PORT%%;
        location / { hyperspot on; }
    }
    server {
        listen 127.0.0.1:%%PORT2%%;
        location / { hyperspot on; hyperspot_docs off; }
    }
};
my $YAML = "openapi:\n  title: Test API\n  version: 9.8.7\n  description: The tests' API\n";

my $ng = HsTest->new(modules => [qw(calculator calculator_gateway)], http => $HTTP, yaml => $YAML);
$ng->start;

my $r = $ng->get('/openapi.json');
is $r->{status}, 200, '/openapi.json';
my $doc = $r->{json};
is $doc->{openapi}, '3.1.0', 'OpenAPI 3.1';
is_deeply $doc->{info}, { title => 'Test API', version => '9.8.7', description => "The tests' API" },
    'info from the YAML openapi section';
is_deeply [ sort keys %{ $doc->{paths} } ],
    [ sort '/health', '/healthz', '/openapi.json', '/docs', '/docs/assets/{file}',
      '/calculator-gateway/v1/calculator/add', '/calculator-gateway/v1/calculator/plugin' ],
    'every loaded operation and nothing else';

my $add = $doc->{paths}{'/calculator-gateway/v1/calculator/add'}{post};
is $add->{operationId}, 'calculator_add', 'operation id';
is $add->{summary}, 'Add two integers', 'summary';
like $add->{description}, qr/ClientHub/, 'description';
is_deeply $add->{tags}, ['calculator'], 'tags';
is $add->{requestBody}{content}{'application/json'}{schema}{'$ref'}, '#/components/schemas/CalculatorAddRequest',
    'request body schema by reference';
is $add->{responses}{200}{content}{'application/json'}{schema}{'$ref'}, '#/components/schemas/CalculatorSum',
    'response schema';
for my $s (qw(400 413 415 422 500 503)) {
    is $add->{responses}{$s}{content}{'application/problem+json'}{schema}{'$ref'}, '#/components/schemas/Problem',
        "problem response $s";
}
is $add->{'x-hyperspot-module'}, 'calculator_gateway', 'module extension';
is $add->{'x-hyperspot-access'}, 'public', 'access extension';
is_deeply $add->{security}, [], 'public: no security requirement';
ok $doc->{components}{schemas}{$_}, "component schema $_"
    for qw(Problem ValidationViolation Health CalculatorAddRequest CalculatorSum);
is_deeply $doc->{components}{schemas}{Problem}{required}, [qw(type title status detail instance code)],
    'Problem schema fields';

my %ids;
for my $p (values %{ $doc->{paths} }) {
    for my $op (values %$p) {
        ok !$ids{ $op->{operationId} }++, "unique operation id $op->{operationId}";
        like $op->{operationId}, qr/^[a-z][a-z0-9_]*$/, "snake_case id $op->{operationId}";
    }
}
for my $path (keys %{ $doc->{paths} }) {
    like $path, qr{^/([a-z0-9-]+/v\d+(/[a-z0-9{}_.-]+)*|health|healthz|openapi\.json|docs(/assets/\{file\})?)$},
        "HyperSpot path convention: $path";
}

# the linter: no errors
{
    my $dir = tempdir(CLEANUP => 1);
    open my $fh, '>', "$dir/openapi.json" or die;
    print $fh $r->{content};
    close $fh;
    ok -x $REDOCLY, "redocly is installed ($REDOCLY)";
    my $out = `cd $dir && $REDOCLY lint openapi.json --format=stylish 2>&1`;
    is $? >> 8, 0, 'redocly lint passes' or diag $out;
    unlike $out, qr/\berror\b/, 'redocly reports no error';
    note $out;
}

# hsctl prints the same document for the same configuration
{
    ok -x ($ENV{HS_HSCTL} // "$REPO/build/bin/hsctl"), 'hsctl is built';
    my $out = `$HSCTL openapi -c @{[ $ng->conf_file ]} 2>&1`;
    is $? >> 8, 0, 'hsctl openapi -c nginx.conf';
    is_deeply decode_json($out), $doc, 'hsctl and nginx serve the same document';

    $out = `$HSCTL openapi -m @{[ HsTest::modules_dir() ]} calculator 2>&1`;
    my $d = eval { decode_json($out) };
    ok $d && !$d->{paths}{'/calculator-gateway/v1/calculator/add'}, 'hsctl openapi for a module list';

    $out = `$HSCTL openapi -m @{[ HsTest::modules_dir() ]} calculator_gateway 2>&1`;
    isnt $? >> 8, 0, 'hsctl fails on a missing dependency';
    like $out, qr/depends on "calculator", which is not loaded/, 'and says why';

    $out = `$HSCTL frobnicate 2>&1`;
    is $? >> 8, 2, 'unknown command: exit 2';
}

# the switches
{
    my $q = HsTest->new(modules => [qw(calculator)], http => q{
        server {
            listen 127.0.0.1:%%PORT%%;
            location / { hyperspot on; hyperspot_openapi off; }
        }
    });
    $q->start;
    HsTest::problem_ok($q->get('/openapi.json'), 404, 'not_found', 'hyperspot_openapi off');
    HsTest::problem_ok($q->get('/docs'), 404, 'not_found', '/docs needs the document');
    $q->check_log;
    $q->stop;
}
HsTest::problem_ok($ng->get('/docs', port => $ng->port2), 404, 'not_found', 'hyperspot_docs off');
HsTest::problem_ok($ng->get('/docs/assets/styles.min.css', port => $ng->port2), 404, 'not_found',
    'no assets either');

# /docs: the page and its assets come from this server
$r = $ng->get('/docs');
is $r->{status}, 200, '/docs';
like $r->{headers}{'content-type'}, qr{^text/html}, 'HTML';
like $r->{content}, qr{<elements-api apiDescriptionUrl="/openapi.json"}, 'Stoplight Elements on /openapi.json';
unlike $r->{content}, qr{https?://}, 'no external URL in the page';
for my $a (['web-components.min.js', qr{javascript}], ['styles.min.css', qr{text/css}]) {
    $r = $ng->get("/docs/assets/$a->[0]");
    is $r->{status}, 200, "asset $a->[0]";
    like $r->{headers}{'content-type'}, $a->[1], "asset $a->[0] type";
    cmp_ok length($r->{content}), '>', 10000, "asset $a->[0] content";
}
HsTest::problem_ok($ng->get('/docs/assets/nope.js'), 404, 'not_found', 'unknown asset');

# rendered in headless Chromium: every operation of every tag is listed
SKIP: {
    skip 'chromium is not installed', 1 unless -x $CHROMIUM;
    my %by_tag;
    for my $p (values %{ $doc->{paths} }) {
        push @{ $by_tag{ $_->{tags}[0] } }, $_ for values %$p;
    }
    for my $tag (sort keys %by_tag) {
        my $first = $by_tag{$tag}[0]{operationId};
        my $profile = tempdir(CLEANUP => 1);
        my $dom = `timeout 60 $CHROMIUM --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync --user-data-dir=$profile --virtual-time-budget=15000 --dump-dom '@{[ $ng->url('/docs') ]}#/operations/$first' 2>/dev/null`;
        (my $text = $dom) =~ s/<[^>]+>/ /g;
        like $text, qr/\Q$doc->{info}{title}\E/, "rendered page shows the API title ($tag)";
        for my $op (@{ $by_tag{$tag} }) {
            like $text, qr/\Q$op->{summary}\E/, "rendered page lists '$op->{summary}'";
        }
    }
}

$ng->check_log;
$ng->stop;

# declarations the platform refuses at startup, naming module and operation
my %broken = (
    no_handler       => qr/module "testkit": operation "no_handler" \(GET \/testkit\/v1\/broken\): no handler/,
    no_responses     => qr/module "testkit": operation "no_responses" \(GET \/testkit\/v1\/broken\): no success \(2xx\) response is declared/,
    no_access        => qr/operation "no_access" .*: no access rule/,
    undeclared_param => qr/operation "undeclared_param" .*: path parameter \{id\} is not declared/,
    dup_op_id        => qr/operation id "testkit_sleep" is declared by module "testkit" \(GET \/testkit\/v1\/broken\) and module "testkit" \(GET \/testkit\/v1\/sleep\/\{ms\}\)/,
    clash            => qr/module "testkit": route POST \/calculator-gateway\/v1\/calculator\/add is already declared by module "calculator_gateway"/,
    bad_schema       => qr/operation "bad_schema" .*: the request body schema is invalid/,
    bad_ref          => qr/operation "bad_ref" .*: the request body schema is invalid: .*Nope/,
);
for my $b (sort keys %broken) {
    my $t = HsTest->new(modules => [qw(calculator calculator_gateway testkit)], http => $HTTP,
                        yaml => "modules:\n  testkit:\n    config:\n      broken: $b\n");
    my ($rc, $out) = $t->test_config;
    isnt $rc, 0, "$b: nginx -t fails";
    like $out, $broken{$b}, "$b: message" or diag $out;
}

done_testing;
