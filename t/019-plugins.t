# Plugins by GTS id: calculator (vendor hyperspot) and calculator_alt
# (vendor acme) register instances of the calculator plugin type and
# publish clients scoped by their instance ids; calculator_gateway selects
# the configured vendor's, falls back to the other when it is not loaded,
# and says which it uses. types_registry serves the plugin entities.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use HsTest;

plan skip_all => 'modules not built'
    unless HsTest::have_modules(qw(calculator calculator_alt calculator_gateway types_registry));

my $TYPE = 'gts.x.core.modkit.plugin.v1~x.calculator.api.plugin.v1~';
my $HS = "${TYPE}hyperspot.calculator._.default.v1";
my $ACME = "${TYPE}acme.calculator._.alt.v1";
my $ADD = '/calculator-gateway/v1/calculator/add';
my $PLUGIN = '/calculator-gateway/v1/calculator/plugin';
my $T1 = 'aaaaaaaa-0000-4000-8000-000000000001';

sub esc {
    my ($s) = @_;
    $s =~ s/([^A-Za-z0-9._~-])/sprintf('%%%02X', ord $1)/ge;
    return $s;
}

sub yaml {
    my (%c) = @_;
    my $y = "modules:\n";
    for my $m (sort keys %c) {
        $y .= "  $m:\n    config:\n";
        $y .= "      $_: $c{$m}{$_}\n" for sort keys %{ $c{$m} };
    }
    return $y;
}

sub server {
    my ($db) = @_;
    return qq{
        hyperspot_config %%YAML%%;
        @{[ $db ? "hyperspot_database sqlite://%%DATA%%/hs.db;
                   hyperspot_migrations $FindBin::Bin/../migrations;" : '' ]}
        server {
            listen 127.0.0.1:%%PORT%%;
            hyperspot_dev_tenant $T1;
            location / { hyperspot on; hyperspot_check_responses on; }
        }
    };
}

# selection: [name, modules, yaml config, expected instance, provider, preferred]
my @cases = (
    [ 'both loaded, the default vendor', [qw(calculator calculator_alt calculator_gateway)],
      {}, $HS, 'calculator', 1 ],
    [ 'both loaded, vendor acme', [qw(calculator calculator_alt calculator_gateway)],
      { calculator_gateway => { vendor => 'acme' } }, $ACME, 'calculator_alt', 1 ],
    [ 'vendor acme, only calculator: falls back', [qw(calculator calculator_gateway)],
      { calculator_gateway => { vendor => 'acme' } }, $HS, 'calculator', 0 ],
    [ 'vendor hyperspot, only calculator_alt: falls back', [qw(calculator_alt calculator_gateway)],
      { calculator_gateway => { vendor => 'hyperspot' } }, $ACME, 'calculator_alt', 0 ],
    [ 'no vendor: the lowest priority', [qw(calculator calculator_alt calculator_gateway)],
      { calculator_gateway => { vendor => '""' } }, $HS, 'calculator', 0 ],
    [ 'no vendor, calculator_alt ranked first', [qw(calculator calculator_alt calculator_gateway)],
      { calculator_gateway => { vendor => '""' }, calculator_alt => { priority => 5 } }, $ACME, 'calculator_alt', 0 ],
    [ 'an unknown vendor: the lowest priority', [qw(calculator_alt calculator calculator_gateway)],
      { calculator_gateway => { vendor => 'globex' }, calculator_alt => { priority => 15 } }, $HS, 'calculator', 0 ],
);

for my $c (@cases) {
    my ($name, $mods, $conf, $id, $provider, $preferred) = @$c;
    my $ng = HsTest->new(modules => $mods, yaml => yaml(%$conf), http => server(0));
    $ng->start;

    my $r = $ng->get($PLUGIN);
    is $r->{status}, 200, "$name: plugin in use" or diag $r->{content};
    is $r->{json}{id}, $id, "$name: $id";
    is $r->{json}{provider}, $provider, "$name: provided by $provider";
    is !!$r->{json}{preferred}, !!$preferred, "$name: preferred is " . ($preferred ? 'true' : 'false');
    is $r->{json}{vendor}, $provider eq 'calculator' ? 'hyperspot' : 'acme', "$name: its vendor";
    is_deeply $r->{json}{properties}, { overflow => $provider eq 'calculator' ? 'checked' : 'int128' },
        "$name: its properties";

    # the gateway's behaviour is the same through either plugin
    $r = $ng->post($ADD, json => { a => 40, b => 2 });
    is_deeply $r->{json}, { sum => 42 }, "$name: adds";
    $r = $ng->post($ADD, json => { a => 9223372036854775807, b => 1 });
    HsTest::problem_ok($r, 422, 'overflow', "$name: overflow");

    # init runs at configuration time: its warning goes where nginx -t's do
    my (undef, $out) = $ng->test_config;
    if ($preferred || ($conf->{calculator_gateway}{vendor} // 'hyperspot') eq '""') {
        unlike $out, qr/no calculator plugin of vendor/, "$name: no fallback warning";
    } else {
        like $out, qr/\[warn\].*no calculator plugin of vendor "\w+" is loaded; using \Q$id\E/,
            "$name: the fallback is a warning";
    }
    $ng->check_log(name => $name);
    $ng->stop;
}

# no plugin at all: the gateway's dependency names both
{
    my $ng = HsTest->new(modules => ['calculator_gateway'], yaml => yaml(), http => server(0));
    my ($rc, $out) = $ng->test_config;
    isnt $rc, 0, 'no calculator plugin: nginx -t fails';
    like $out, qr/hyperspot module "calculator_gateway" depends on "calculator", which is not loaded, nor is any alternative \("calculator_alt"\)/,
        'and names the plugin modules';
}

# a plugin priority out of range is a configuration error
{
    my $ng = HsTest->new(modules => [qw(calculator_alt calculator_gateway)],
                         yaml => yaml(calculator_alt => { priority => -1 }), http => server(0));
    my ($rc, $out) = $ng->test_config;
    isnt $rc, 0, 'a bad priority: nginx -t fails';
    like $out, qr/priority/, 'and says which setting';
}

# the registry serves the plugin entities, with the plugins loaded or not
{
    my $ng = HsTest->new(modules => [qw(calculator calculator_alt calculator_gateway types_registry)],
                         workers => 2, yaml => yaml(), http => server(1));
    $ng->start;
    my $E = '/types-registry/v1/entities';

    my $r = $ng->get("$E?kind=instance&pattern=" . esc($TYPE));
    is $r->{status}, 200, 'plugin instances listed' or diag $r->{content};
    is_deeply [ sort map { $_->{gts_id} } @{ $r->{json}{entities} } ], [ sort $HS, $ACME ],
        'both instances of the calculator plugin type';
    $r = $ng->get("$E/" . esc($ACME));
    is_deeply $r->{json}{content}, { id => $ACME, vendor => 'acme', priority => 20,
                                     properties => { overflow => 'int128' } }, 'an instance document';
    $r = $ng->get("$E/" . esc('gts.x.core.modkit.plugin.v1~'));
    is $r->{json}{content}{'x-gts-abstract'}, JSON::PP::true, 'the base plugin type is abstract';
    $r = $ng->post('/gts/validate-instance', json => { instance_id => $HS });
    is $r->{json}{ok}, JSON::PP::true, 'a plugin instance validates against its type';
    $r = $ng->post('/gts/validate-type-schema', json => { type_id => $TYPE });
    is $r->{json}{ok}, JSON::PP::true, 'the plugin type validates against the base';
    $r = $ng->get('/gts/query?expr=' . esc("${TYPE}*[vendor=acme]"));
    is_deeply [ map { $_->{id} } @{ $r->{json}{results} } ], [ $ACME ], 'a query by vendor';

    # the registry's rules apply to them: other content is a conflict, an
    # instance of the abstract base is refused, the same content is fine
    $r = $ng->post($E, json => { entities => [ { id => $HS, vendor => 'hyperspot', priority => 1 } ] });
    HsTest::problem_ok($r, 409, 'conflict', 'another plugin document under a registered id');
    $r = $ng->post($E, json => { entities => [ { id => 'gts.x.core.modkit.plugin.v1~x.evil._.p.v1',
                                                 vendor => 'evil', priority => 0 } ] });
    HsTest::problem_ok($r, 422, 'validation_failed', 'an instance of the abstract base');
    like $r->{json}{detail}, qr/abstract/, 'names the rule';
    $r = $ng->post($E, json => { entities => [ { id => "${TYPE}globex.calc._.third.v1", vendor => 'globex' } ] });
    HsTest::problem_ok($r, 422, 'validation_failed', 'a plugin instance without its priority');
    like $r->{json}{detail}, qr/priority/, 'names the missing property';
    $r = $ng->post($E, json => { entities => [ $ng->get("$E/" . esc($HS))->{json}{content} ] });
    is $r->{json}{summary}{succeeded}, 1, 'the same plugin document is idempotent';
    $ng->check_log(name => 'registry with plugins');
    $ng->stop;

    # restarted without calculator_alt: its instance is gone (plugins
    # are facts of the configuration, not stored), the other one stays
    $ng->update(modules => [qw(calculator calculator_gateway types_registry)]);
    $ng->start;
    $r = $ng->get("$E?kind=instance&pattern=" . esc($TYPE));
    is_deeply [ map { $_->{gts_id} } @{ $r->{json}{entities} } ], [ $HS ],
        'without calculator_alt its instance is not listed';
    $ng->check_log(name => 'registry without calculator_alt');
    $ng->stop;
}

done_testing;
