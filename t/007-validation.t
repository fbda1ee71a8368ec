# Requests are checked against the operation's declaration before the
# handler runs: parameters (400 malformed, 422 schema), bodies (422 with
# every violation), media types (415, 406); responses against theirs.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use File::Temp qw(tempdir);
use JSON::PP;
use HsTest;

plan skip_all => 'modules not built' unless HsTest::have_modules(qw(calculator calculator_gateway testkit));

my $HSCTL = $ENV{HS_HSCTL} // "$FindBin::Bin/../build/bin/hsctl";

my $ng = HsTest->new(modules => [qw(calculator calculator_gateway testkit)], http => q{
    server {
        listen 127.0.0.1:%%PORT%%;
        location / { hyperspot on; hyperspot_check_responses on; }
    }
    server {
        listen 127.0.0.1:%%PORT2%%;
        location / { hyperspot on; }
    }
});
$ng->start;

sub v { [ map { join ':', $_->{in}, $_->{field}, $_->{code} } @{ $_[0]{json}{errors} || [] } ] }

# --- query parameters
my $r = $ng->post('/testkit/v1/echo?x=5&y=-3&mode=fast&flag=true', json => {});
is $r->{status}, 200, 'valid query parameters';

$r = $ng->post('/testkit/v1/echo?x=abc', json => {});
HsTest::problem_ok($r, 400, 'bad_request', 'non-integer query parameter');
is_deeply v($r), ['query:x:type'], 'says which parameter';
like $r->{json}{errors}[0]{message}, qr/must be an integer/, 'and why';

$r = $ng->post('/testkit/v1/echo?x=-1', json => {});
HsTest::problem_ok($r, 422, 'validation_failed', 'query parameter below its minimum');
is_deeply v($r), ['query:x:minimum'], 'minimum';

$r = $ng->post('/testkit/v1/echo?mode=medium&x=1', json => {});
is_deeply v($r), ['query:mode:enum'], 'enum';

$r = $ng->post('/testkit/v1/echo?flag=yes', json => {});
is $r->{status}, 400, 'boolean must be true or false';

$r = $ng->post('/testkit/v1/echo?zzz=1&x=1&x=2', json => {});
HsTest::problem_ok($r, 400, 'bad_request', 'unknown and repeated parameters');
is_deeply v($r), ['query:zzz:unknown', 'query:x:duplicate'], 'both listed';

$r = $ng->post('/testkit/v1/echo?x=%zz', json => {});
is $r->{status}, 400, 'bad %-escape';

$r = $ng->get('/testkit/v1/need');
HsTest::problem_ok($r, 400, 'bad_request', 'missing required parameter');
is_deeply v($r), ['query:limit:required'], 'required';
is $ng->get('/testkit/v1/need?limit=0')->{status}, 422, 'required parameter out of range';
is $ng->get('/testkit/v1/need?limit=100')->{status}, 200, 'required parameter given';

# --- header parameters
$r = $ng->post('/testkit/v1/echo', json => {}, headers => { 'X-Tenant-Hint' => 'ABC' });
HsTest::problem_ok($r, 422, 'validation_failed', 'header parameter against its pattern');
is_deeply v($r), ['header:X-Tenant-Hint:pattern'], 'pattern';
is $ng->post('/testkit/v1/echo', json => {}, headers => { 'X-Tenant-Hint' => 'abc' })->{status}, 200,
    'valid header parameter';

# --- path parameters
$r = $ng->get('/testkit/v1/sleep/abc');
HsTest::problem_ok($r, 400, 'bad_request', 'non-integer path parameter');
is_deeply v($r), ['path:ms:type'], 'path type';
$r = $ng->get('/testkit/v1/sleep/20000');
HsTest::problem_ok($r, 422, 'validation_failed', 'path parameter above its maximum');
is_deeply v($r), ['path:ms:maximum'], 'maximum';
$r = $ng->get('/testkit/v1/items/' . ('i' x 33));
is_deeply v($r), ['path:id:maxLength'], 'maxLength';

# --- bodies: every violation, with a pointer; the handler never runs
my $calls = sub { $ng->get('/testkit/v1/config')->{json}{things_handled} };
is $calls->(), 0, 'no thing handled yet';

$r = $ng->post('/testkit/v1/things', json => { name => 'a', size => 2 });
is $r->{status}, 200, 'a valid thing';
is $calls->(), 1, 'its handler ran';

$r = $ng->post('/testkit/v1/things', json => { name => '', size => 0, email => 'not-an-email',
                                                 tags => ['a', 'a'], extra => 1 });
HsTest::problem_ok($r, 422, 'validation_failed', 'invalid body');
is_deeply [ sort @{ v($r) } ],
    [ sort 'body:name:minLength', 'body:size:minimum', 'body:email:format', 'body:tags:uniqueItems',
           'body:extra:additionalProperties' ],
    'every violation listed';
my %ptr = map { $_->{code} => $_->{pointer} } @{ $r->{json}{errors} };
is $ptr{minLength}, '/name', 'pointer of a field';
is $ptr{uniqueItems}, '/tags', 'pointer of an array';
is $calls->(), 1, 'the handler did not run';

$r = $ng->post('/testkit/v1/things', json => { size => 'big' });
is_deeply [ sort @{ v($r) } ], [ sort 'body:name:required', 'body:size:type' ], 'required and type';

$r = $ng->post('/testkit/v1/things', json => [1]);
is_deeply v($r), ['body::type'], 'a body of the wrong type';

$r = $ng->post('/testkit/v1/things', body => '{"name": "a", "size": 1',
               headers => { 'Content-Type' => 'application/json' });
HsTest::problem_ok($r, 400, 'invalid_json', 'malformed JSON is 400, not 422');
is $calls->(), 1, 'still not handled';

# --- media types
$r = $ng->post('/testkit/v1/things', body => 'name=a', headers => { 'Content-Type' => 'text/plain' });
HsTest::problem_ok($r, 415, 'unsupported_media_type', 'text/plain');
like $r->{json}{detail}, qr{must be application/json}, 'names what it accepts';
$r = $ng->post('/testkit/v1/things', json => {}, headers => { 'Content-Type' => 'application/merge-patch+json' });
is $r->{status}, 415, 'a media type the operation does not declare';
$r = $ng->post('/testkit/v1/echo', body => '{}', headers => { 'Content-Type' => 'application/merge-patch+json' });
is $r->{status}, 200, 'a second declared media type';
$r = $ng->post('/testkit/v1/echo', body => '{}', headers => { 'Content-Type' => 'Application/JSON; charset=utf-8' });
is $r->{status}, 200, 'media types are case-insensitive, parameters allowed';

for my $a (['text/html', 406], ['application/xml, text/*', 406], ['*/*;q=0', 406],
           ['application/*', 200], ['*/*', 200], ['text/html, application/json;q=0.5', 200],
           ['application/json', 200]) {
    $r = $ng->get('/testkit/v1/config', headers => { Accept => $a->[0] });
    is $r->{status}, $a->[1], "Accept: $a->[0] -> $a->[1]";
}
HsTest::problem_ok($ng->get('/health', headers => { Accept => 'text/plain' }), 406, 'not_acceptable',
    'Accept excludes JSON');
is $ng->get('/healthz', headers => { Accept => 'text/plain' })->{status}, 200, 'text/plain operation';

# --- responses against their declarations
$r = $ng->get('/testkit/v1/wrong', headers => { 'X-Request-ID' => 'wrong-1' });
HsTest::problem_ok($r, 500, 'internal_error', 'a response that breaks its schema (checked)');
like $ng->error_log, qr/module "testkit" GET \/testkit\/v1\/wrong failed: response 200 does not match its schema: \/name: is required \(request id wrong-1\)/,
    'the error log says what is off';
is $ng->get('/testkit/v1/wrong', port => $ng->port2)->{status}, 200, 'not checked where it is off';
$r = $ng->get('/testkit/v1/wrong-text', headers => { 'X-Request-ID' => 'wrong-2' });
HsTest::problem_ok($r, 500, 'internal_error', 'a response rendered as text that breaks its schema (checked)');
like $ng->error_log, qr/module "testkit" GET \/testkit\/v1\/wrong-text failed: response 200 does not match its schema: \/name: is required \(request id wrong-2\)/,
    'the error log says what is off in the text';
$r = $ng->get('/testkit/v1/wrong-text', port => $ng->port2);
is $r->{status}, 200, 'text: not checked where it is off';
is $r->{content}, '{"id":1}', 'text: sent as the handler rendered it';
like $r->{headers}{'content-type'}, qr{^application/json}, 'text: as JSON';

# the example modules' responses match their schemas (checked above by
# nginx; and here independently with hsctl against /openapi.json)
{
    my $doc = $ng->get('/openapi.json')->{json};
    my $dir = tempdir(CLEANUP => 1);
    my $check = sub {
        my ($name, $schema, $body) = @_;
        my $s = { %$schema, components => $doc->{components} };
        open my $f, '>', "$dir/s.json" or die; print $f encode_json($s); close $f;
        open $f, '>', "$dir/i.json" or die; print $f $body; close $f;
        my $out = `$HSCTL schema validate $dir/s.json $dir/i.json 2>&1`;
        is $? >> 8, 0, "$name matches its declared schema" or diag $out;
    };
    my $add = $doc->{paths}{'/calculator-gateway/v1/calculator/add'}{post};
    $check->('calculator add 200', $add->{responses}{200}{content}{'application/json'}{schema},
             $ng->post('/calculator-gateway/v1/calculator/add', json => { a => 1, b => 2 })->{content});
    $check->('calculator add 422', $add->{responses}{422}{content}{'application/problem+json'}{schema},
             $ng->post('/calculator-gateway/v1/calculator/add', json => { a => 1 })->{content});
    $check->('health 200', $doc->{paths}{'/health'}{get}{responses}{200}{content}{'application/json'}{schema},
             $ng->get('/health')->{content});

    # and the check can fail
    open my $f, '>', "$dir/s.json" or die; print $f '{"type": "integer"}'; close $f;
    open $f, '>', "$dir/i.json" or die; print $f '"text"'; close $f;
    my $out = `$HSCTL schema validate $dir/s.json $dir/i.json 2>&1`;
    is $? >> 8, 1, 'hsctl schema validate: 1 for an invalid instance';
    like $out, qr/must be an integer/, 'with the violation printed';
    open $f, '>', "$dir/i.json" or die; print $f '{bad'; close $f;
    `$HSCTL schema validate $dir/s.json $dir/i.json 2>&1`;
    is $? >> 8, 2, 'hsctl schema validate: 2 for bad input';
}

$ng->check_log(allow => [qr/module "testkit" GET \/testkit\/v1\/wrong(?:-text)? failed: response 200 does not match/]);
$ng->stop;

done_testing;
