# The calculator example: calculator publishes a ClientHub client,
# calculator_gateway (another .so) resolves it and serves REST.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use HsTest;

plan skip_all => 'modules not built' unless HsTest::have_modules(qw(calculator calculator_gateway));

my $ADD = '/calculator-gateway/v1/calculator/add';
my $HTTP = q{
    server {
        listen 127.0.0.1:%%PORT%%;
        location / { hyperspot on; }
    }
    hyperspot_config %%YAML%%;
};

my $ng = HsTest->new(modules => [qw(calculator calculator_gateway)], http => $HTTP,
                     yaml => "modules:\n  calculator_gateway:\n    config:\n      max_abs_operand: 0\n");
$ng->start;

sub add { $ng->post($ADD, json => $_[0]) }
sub add_raw { $ng->post($ADD, body => $_[0], headers => { 'Content-Type' => 'application/json' }) }

my $r = add({ a => 2, b => 40 });
is $r->{status}, 200, 'add 200';
is_deeply $r->{json}, { sum => 42 }, '2 + 40';
like $r->{headers}{'content-type'}, qr{^application/json}, 'JSON response';

is_deeply add({ a => -5, b => 3 })->{json}, { sum => -2 }, 'negative operands';
is add_raw('{"a": 9223372036854775806, "b": 1}')->{content}, '{"sum":9223372036854775807}', 'INT64_MAX exactly';
is add_raw('{"a": -9223372036854775808, "b": 0}')->{content}, '{"sum":-9223372036854775808}', 'INT64_MIN exactly';

# overflow, both ways
$r = add_raw('{"a": 9223372036854775807, "b": 1}');
HsTest::problem_ok($r, 422, 'overflow', 'positive overflow');
like $r->{json}{detail}, qr/9223372036854775807 \+ 1 does not fit/, 'overflow detail';
is $r->{json}{title}, 'Arithmetic Overflow', 'overflow title';
like $r->{headers}{'x-request-id'}, qr/\S/, 'request id present';
$r = add_raw('{"a": -9223372036854775808, "b": -1}');
HsTest::problem_ok($r, 422, 'overflow', 'negative overflow');

# precise validation errors: every violation listed
sub fields { [ map { "$_->{field}:$_->{code}" } @{ $_[0]{json}{errors} || [] } ] }

$r = add({ a => 1 });
HsTest::problem_ok($r, 422, 'validation_failed', 'missing b');
is_deeply fields($r), ['b:required'], 'missing field named';

$r = add({});
is_deeply fields($r), ['a:required', 'b:required'], 'both missing';

$r = add_raw('{"a": "1", "b": 2.5}');
HsTest::problem_ok($r, 422, 'validation_failed', 'wrong types');
is_deeply fields($r), ['a:type', 'b:type'], 'wrong types named';
like $r->{json}{errors}[0]{message}, qr/must be an integer/, 'type message';
is $r->{json}{errors}[0]{pointer}, '/a', 'violation pointer';
is $r->{json}{errors}[0]{in}, 'body', 'violation location';

$r = add_raw('{"a": null, "b": true, "c": 1}');
is_deeply [sort @{ fields($r) }], ['a:type', 'b:type', 'c:additionalProperties'], 'null, bool and unknown field';

$r = add_raw('[1, 2]');
HsTest::problem_ok($r, 422, 'validation_failed', 'array body');
$r = add_raw('"text"');
HsTest::problem_ok($r, 422, 'validation_failed', 'string body');

$r = add_raw('{"a": 99999999999999999999, "b": 1}');
HsTest::problem_ok($r, 400, 'invalid_json', 'integer beyond 64 bits');
like $r->{json}{detail}, qr/too big/, 'says the number is too big';

$r = add_raw('{"a": 1, "b": 2');
HsTest::problem_ok($r, 400, 'invalid_json', 'truncated JSON');

$r = $ng->post($ADD);
HsTest::problem_ok($r, 400, 'bad_request', 'no body');
like $r->{json}{detail}, qr/requires a JSON request body/, 'no body detail';

$r = $ng->get($ADD);
HsTest::problem_ok($r, 405, 'method_not_allowed', 'GET on add');
is $r->{headers}{allow}, 'POST', 'Allow: POST';

$ng->check_log;
$ng->stop;

# typed module config from YAML, and the environment overriding it
$ng = HsTest->new(modules => [qw(calculator calculator_gateway)], http => $HTTP,
                  yaml => "modules:\n  calculator_gateway:\n    config:\n      max_abs_operand: 100\n");
$ng->start;
is add({ a => 100, b => -100 })->{json}{sum}, 0, 'within the YAML limit';
$r = add({ a => 101, b => 1 });
HsTest::problem_ok($r, 422, 'validation_failed', 'beyond the YAML limit');
is_deeply fields($r), ['a:range'], 'range violation';
$ng->stop;

$ng = HsTest->new(modules => [qw(calculator calculator_gateway)], http => $HTTP,
                  yaml => "modules:\n  calculator_gateway:\n    config:\n      max_abs_operand: 100\n",
                  env => { HYPERSPOT_CALCULATOR_GATEWAY__MAX_ABS_OPERAND => '5' });
$ng->start;
is add({ a => 5, b => 5 })->{json}{sum}, 10, 'within the env limit';
$r = add({ a => 6, b => 1 });
is_deeply fields($r), ['a:range'], 'environment overrides YAML';
like $r->{json}{errors}[0]{message}, qr/-5 and 5/, 'limit from the environment';
$ng->check_log;
$ng->stop;

done_testing;
