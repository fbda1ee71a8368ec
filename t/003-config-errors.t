# Configuration errors fail "nginx -t" with a message that names the
# modules involved, and the file and line where there is one.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use HsTest;

plan skip_all => 'modules not built'
    unless HsTest::have_modules(qw(calculator calculator_gateway testkit cycle_a cycle_b dup_calculator));

my $HTTP = q{
    hyperspot_config %%YAML%%;
    server {
        listen 127.0.0.1:%%PORT%%;
        location / { hyperspot on; }
    }
};

sub fails_t {
    my ($name, $re, %opt) = @_;
    my $ng = HsTest->new(http => $HTTP, %opt);
    my ($rc, $out) = $ng->test_config;
    isnt $rc, 0, "$name: nginx -t fails";
    like $out, $re, "$name: message" or diag $out;
    unlike $out, qr/\[alert\]|signal \d+/, "$name: no alert or crash";
    return $out;
}

sub passes_t {
    my ($name, %opt) = @_;
    my $ng = HsTest->new(http => $HTTP, %opt);
    my ($rc, $out) = $ng->test_config;
    is $rc, 0, "$name: nginx -t passes" or diag $out;
    return $out;
}

passes_t('baseline', modules => [qw(calculator calculator_gateway testkit)], yaml => "");

# --- module discovery
fails_t('missing dependency',
    qr/hyperspot module "calculator_gateway" depends on "calculator", which is not loaded/,
    modules => ['calculator_gateway']);

fails_t('missing dependency of a test module',
    qr/module "cycle_a" depends on "cycle_b", which is not loaded/,
    modules => ['cycle_a']);

fails_t('dependency cycle',
    qr/dependency cycle: cycle_a -> cycle_b -> cycle_a/,
    modules => [qw(cycle_a cycle_b)]);

fails_t('two modules with one name',
    qr/two hyperspot modules are named "calculator": ngx_http_hs_calculator_module and ngx_http_hs_dup_calculator_module/,
    modules => [qw(calculator dup_calculator)]);

fails_t('module loaded before the core',
    qr/hyperspot module "calculator" \(ngx_http_hs_calculator_module\) is loaded before the core module/,
    load_order => [qw(ngx_http_hs_calculator_module ngx_http_hyperspot_module)]);

fails_t('core not loaded',
    qr/hyperspot module "calculator" .* or the core is not loaded/,
    core => 0, modules => ['calculator'], http => 'server { listen 127.0.0.1:%%PORT%%; }');

# --- ClientHub
fails_t('incompatible client version',
    qr/module "testkit" requires client "hs\.calculator\.api" v2\.0 .* but module "calculator" publishes v1\.0/,
    modules => [qw(calculator testkit)],
    yaml => "modules:\n  testkit:\n    config:\n      calculator_api_major: 2\n");

passes_t('compatible client version', modules => [qw(calculator testkit)],
    yaml => "modules:\n  testkit:\n    config:\n      calculator_api_major: 1\n");

# --- module YAML
my @mods = (modules => [qw(calculator calculator_gateway testkit)]);

fails_t('YAML syntax error', qr/hyperspot\.yaml:4:1: did not find expected .*while parsing a flow sequence that starts at line 3, column 13/, @mods,
    yaml => "modules:\n  testkit:\n    config: [unclosed\n");

fails_t('unknown module in YAML',
    qr/hyperspot\.yaml:2:3: modules\.calculatr: no hyperspot module "calculatr" is loaded \(loaded: calculator, calculator_gateway, testkit\)/,
    @mods, yaml => "modules:\n  calculatr:\n    config: {}\n");

fails_t('unknown setting',
    qr/hyperspot\.yaml:4:7: modules\.testkit\.config\.limt: unknown setting of module "testkit" \(known: greeting, limit/,
    @mods, yaml => "modules:\n  testkit:\n    config:\n      limt: 5\n");

fails_t('wrong type',
    qr/hyperspot\.yaml:4:7: modules\.testkit\.config\.limit: expected an integer, got a string/,
    @mods, yaml => "modules:\n  testkit:\n    config:\n      limit: \"5\"\n");

fails_t('out of range',
    qr/modules\.testkit\.config\.limit: 5000 is out of range 1\.\.1000/,
    @mods, yaml => "modules:\n  testkit:\n    config:\n      limit: 5000\n");

fails_t('string too long',
    qr/modules\.testkit\.config\.greeting: length 65 is out of range 1\.\.64/,
    @mods, yaml => "modules:\n  testkit:\n    config:\n      greeting: " . ('g' x 65) . "\n");

fails_t('settings for a module without settings',
    qr/modules\.calculator\.config: module "calculator" takes no settings/,
    @mods, yaml => "modules:\n  calculator:\n    config:\n      x: 1\n");

fails_t('unknown key beside config', qr/modules\.testkit\.settings: unknown key/,
    @mods, yaml => "modules:\n  testkit:\n    settings: {}\n");

fails_t('unknown top-level key', qr/unknown top-level key "module"/,
    @mods, yaml => "module:\n  testkit: {}\n");

fails_t('duplicate key', qr/hyperspot\.yaml:3:\d+: duplicate key "testkit"/,
    @mods, yaml => "modules:\n  testkit: {}\n  testkit: {}\n");

fails_t('missing YAML file', qr/hyperspot_config: cannot open ".*nope\.yaml": No such file/,
    @mods, http => "hyperspot_config %%PREFIX%%/conf/nope.yaml;\n"
                 . "server { listen 127.0.0.1:%%PORT%%; location / { hyperspot on; } }");

# --- environment overrides
fails_t('bad environment value',
    qr/environment variable HYPERSPOT_TESTKIT__LIMIT: expected an integer, got "ten"/,
    @mods, yaml => "", env => { HYPERSPOT_TESTKIT__LIMIT => 'ten' });

fails_t('environment value out of range',
    qr/environment variable HYPERSPOT_TESTKIT__RATIO: 2 is out of range 0\.\.1/,
    @mods, yaml => "", env => { HYPERSPOT_TESTKIT__RATIO => '2' });

{
    my $ng = HsTest->new(http => $HTTP, @mods,
        yaml => "modules:\n  testkit:\n    config:\n      greeting: from-yaml\n      limit: 20\n",
        env => { HYPERSPOT_TESTKIT__LIMIT => '30', HYPERSPOT_TESTKIT__VERBOSE => 'true',
                 HYPERSPOT_TESTKIT__RATIO => '0.25' });
    $ng->start;
    my $r = $ng->get('/testkit/v1/config');
    is_deeply $r->{json}, { greeting => 'from-yaml', limit => 30, ratio => 0.25, verbose => JSON::PP::true,
                            calculator_api_major => 0, calculator_resolved => JSON::PP::false,
                            things_handled => 0 },
        'typed config: YAML values, environment overrides, defaults';
    $ng->check_log;
    $ng->stop;
}

# --- directives
fails_t('bad database URL',
    qr/invalid database URL "mysql:\/\/x": the scheme must be sqlite:\/\/ or postgres:\/\/ in .*nginx\.conf:\d+/,
    @mods, http => "hyperspot_database mysql://x;\n"
                 . "server { listen 127.0.0.1:%%PORT%%; location / { hyperspot on; } }");

fails_t('relative sqlite path',
    qr/expected sqlite:\/\/\/absolute\/path\/file\.db in .*nginx\.conf:\d+/,
    @mods, http => "hyperspot_database sqlite://data.db;\n"
                 . "server { listen 127.0.0.1:%%PORT%%; location / { hyperspot on; } }");

fails_t('bad postgres port', qr/the port must be 1\.\.65535 in .*nginx\.conf:\d+/,
    @mods, http => "hyperspot_database postgres://u:p\@localhost:99999/db;\n"
                 . "server { listen 127.0.0.1:%%PORT%%; location / { hyperspot on; } }");

passes_t('postgres URL', @mods,
    http => "hyperspot_database postgres://u:p\@localhost:5432/db?sslmode=disable;\n"
          . "server { listen 127.0.0.1:%%PORT%%; location / { hyperspot on; } }");

fails_t('unknown thread pool', qr/unknown thread pool "nope" in .*nginx\.conf:3/,
    @mods, http => "server { listen 127.0.0.1:%%PORT%%;\n"
                 . "  location / { hyperspot on;\n"
                 . "    hyperspot_thread_pool nope; } }");

fails_t('invalid flag', qr/invalid value "yes" in "hyperspot" directive, it must be "on" or "off" in .*nginx\.conf:\d+/,
    @mods, http => "server { listen 127.0.0.1:%%PORT%%; location / { hyperspot yes; } }");

fails_t('hyperspot_config in a location', qr/"hyperspot_config" directive is not allowed here in .*nginx\.conf:\d+/,
    @mods, http => "server { listen 127.0.0.1:%%PORT%%; location / { hyperspot_config x.yaml; } }");

done_testing;
