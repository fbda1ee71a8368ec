# The request pipeline: request ids, routing, path parameters, JSON bodies,
# built-in endpoints and the problem+json errors of every stage.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use HsTest;

plan skip_all => 'modules not built' unless HsTest::have_modules(qw(calculator testkit));

my $ng = HsTest->new(
    modules => [qw(calculator testkit)],
    http    => q{
        log_format rid '$request_uri $status rid=$hs_request_id';
        access_log %%PREFIX%%/logs/rid.log rid;
        client_max_body_size 1k;
        client_body_buffer_size 256;

        server {
            listen 127.0.0.1:%%PORT%%;
            hyperspot on;
            location / {
            }
            location /plain/ {
                hyperspot off;
                return 200 "plain\n";
            }
        }
    },
);
$ng->start;

# --- built-ins
my $r = $ng->get('/healthz');
is $r->{status}, 200, 'healthz 200';
is $r->{content}, 'ok', 'healthz says ok';
like $r->{headers}{'content-type'}, qr{^text/plain}, 'healthz is text';

$r = $ng->get('/health');
is $r->{status}, 200, 'health 200';
is $r->{json}{status}, 'healthy', 'health status';
like $r->{json}{timestamp}, qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, 'health timestamp';
is_deeply [ map { "$_->{name} $_->{version} $_->{state}" } @{ $r->{json}{modules} } ],
    [ 'calculator 1.0.0 running', 'testkit 0.1.0 running' ],
    'health lists modules in dependency order with version and state';

$r = $ng->request('HEAD', '/health');
is $r->{status}, 200, 'HEAD on a GET route';
is $r->{content}, '', 'HEAD has no body';

# --- request ids
$r = $ng->get('/healthz');
like $r->{headers}{'x-request-id'}, qr/^[0-9a-f]{32}$/, 'generated request id';
my $r2 = $ng->get('/healthz');
isnt $r2->{headers}{'x-request-id'}, $r->{headers}{'x-request-id'}, 'ids differ';

$r = $ng->get('/healthz', headers => { 'X-Request-ID' => 'client-abc.123:x_y' });
is $r->{headers}{'x-request-id'}, 'client-abc.123:x_y', 'well-formed incoming id kept';

for my $bad ('has space', 'semi;colon', 'x' x 129, "quote\"d", '') {
    $r = $ng->get('/healthz', headers => { 'X-Request-ID' => $bad });
    like $r->{headers}{'x-request-id'}, qr/^[0-9a-f]{32}$/,
        'malformed incoming id replaced: ' . substr($bad, 0, 20);
}

$r = $ng->get('/testkit/v1/items/7', headers => { 'X-Request-ID' => 'trace-777' });
$r = $ng->post('/testkit/v1/echo', json => { x => 1 },
               headers => { 'X-Request-ID' => 'echo-id-1' });
is $r->{json}{request_id}, 'echo-id-1', 'handler sees the request id';

$r = $ng->get('/plain/x', headers => { 'X-Request-ID' => 'not-hs' });
ok !exists $r->{headers}{'x-request-id'}, 'no X-Request-ID outside HyperSpot locations';

# --- routing and parameters
$r = $ng->get('/testkit/v1/items/42');
is $r->{status}, 200, 'param route';
is_deeply $r->{json}, { operation => 'testkit_item', params => { id => '42' } }, 'id param';

$r = $ng->get('/testkit/v1/items/special');
is $r->{json}{operation}, 'testkit_item_special', 'literal segment wins over parameter';

$r = $ng->get('/testkit/v1/items/a%20b/parts/p-1');
is_deeply $r->{json}{params}, { id => 'a b', part => 'p-1' }, 'two params, decoded';

$r = $ng->get('/testkit/v1/items/special/parts/x');
is_deeply $r->{json}{params}, { id => 'special', part => 'x' },
    'backtracks from a literal to a parameter';

$r = $ng->delete('/testkit/v1/items/5');
is $r->{status}, 204, 'handler may answer 204';
is $r->{content}, '', '204 has no body';

# --- 404 / 405
for my $path ('/nope', '/testkit/v1', '/testkit/v1/items/1/parts', '/health/', '/testkit/v1/items/') {
    $r = $ng->get($path);
    HsTest::problem_ok($r, 404, 'not_found', "404 for $path");
}
$r = $ng->get('/nope');
is $r->{json}{instance}, '/nope', 'instance is the path';

$r = $ng->request('PATCH', '/testkit/v1/items/1');
HsTest::problem_ok($r, 405, 'method_not_allowed', 'wrong method');
is $r->{headers}{allow}, 'GET, HEAD, DELETE', 'Allow lists the methods';
$r = $ng->post('/health', json => {});
HsTest::problem_ok($r, 405, 'method_not_allowed', '405 on a built-in');
is $r->{headers}{allow}, 'GET, HEAD', 'Allow of a built-in';

# --- bodies
$r = $ng->post('/testkit/v1/echo', json => { a => [1, 2, { b => 'c' }] });
is $r->{status}, 200, 'echo 200';
is_deeply $r->{json}{body}, { a => [1, 2, { b => 'c' }] }, 'JSON body reaches the handler';

$r = $ng->post('/testkit/v1/echo?x=1&y=2', json => {});
is $r->{json}{query}, 'x=1&y=2', 'query string reaches the handler';

$r = $ng->post('/testkit/v1/echo', body => '{"a": 1,}',
               headers => { 'Content-Type' => 'application/json' });
HsTest::problem_ok($r, 400, 'invalid_json', 'malformed JSON');
like $r->{json}{detail}, qr/line 1, column \d+/, 'malformed JSON detail says where';

$r = $ng->post('/testkit/v1/echo', body => '{"a": 1, "a": 2}',
               headers => { 'Content-Type' => 'application/json' });
HsTest::problem_ok($r, 400, 'invalid_json', 'duplicate keys are rejected');

$r = $ng->post('/testkit/v1/echo', body => '{"a": 1}',
               headers => { 'Content-Type' => 'text/plain' });
HsTest::problem_ok($r, 415, 'unsupported_media_type', 'text/plain body');
$r = $ng->post('/testkit/v1/echo', body => '{"a": 1}');
HsTest::problem_ok($r, 415, 'unsupported_media_type', 'body without Content-Type');

$r = $ng->post('/testkit/v1/echo', body => '{"a": 1}',
               headers => { 'Content-Type' => 'application/merge-patch+json; charset=utf-8' });
is $r->{status}, 200, 'application/*+json with parameters accepted';

# a body above client_body_buffer_size (256) goes through a temporary file
my $big = { data => 'x' x 700 };
$r = $ng->put('/testkit/v1/echo', json => $big);
is $r->{status}, 200, 'body buffered in a temp file';
is_deeply $r->{json}{body}, $big, 'temp-file body intact';

# --- nginx's own errors are problems too
$r = $ng->post('/testkit/v1/echo', body => '{"d":"' . ('y' x 2000) . '"}',
               headers => { 'Content-Type' => 'application/json' });
HsTest::problem_ok($r, 413, 'payload_too_large', '413 by Content-Length');
like $r->{json}{detail}, qr/1024 bytes/, '413 names the limit';

my $chunk = 'z' x 1500;
my $raw = $ng->raw_request(
    "POST /testkit/v1/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
  . "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
  . sprintf("%x\r\n%s\r\n0\r\n\r\n", length($chunk), $chunk));
like $raw, qr{^HTTP/1.1 413}, '413 for a chunked body';
like $raw, qr{Content-Type: application/problem\+json}, 'chunked 413 is a problem';
like $raw, qr{"code":"payload_too_large"}, 'chunked 413 code';

$raw = $ng->raw_request("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\nBad Header\r\n\r\n");
like $raw, qr{^HTTP/1.1 400}, '400 for a malformed header';
like $raw, qr{"code":"bad_request"}, 'nginx 400 is a problem';
like $raw, qr{X-Request-ID: [0-9a-f]{32}}, 'nginx 400 carries a request id';
my ($rid) = $raw =~ /X-Request-ID: (\S+)/;
like $raw, qr{"trace_id":"$rid"}, 'trace_id of nginx 400 equals X-Request-ID';

# --- handler failure
$r = $ng->get('/testkit/v1/fail', headers => { 'X-Request-ID' => 'fail-1' });
HsTest::problem_ok($r, 500, 'internal_error', 'failing handler');
like $r->{json}{detail}, qr/fail-1/, '500 detail quotes the trace id';
unlike $r->{content}, qr/handler returned/, 'internals are not leaked to the client';

# --- $hs_request_id in log_format
$ng->get('/healthz', headers => { 'X-Request-ID' => 'logged-id-1' });
$ng->stop;
my $log = do { local (@ARGV, $/) = ($ng->prefix . '/logs/rid.log'); <> };
like $log, qr{^/healthz 200 rid=logged-id-1$}m, '$hs_request_id in access log';
like $log, qr{^/plain/x 200 rid=not-hs$}m, '$hs_request_id works outside HyperSpot locations';

$ng->check_log(allow => [qr/module "testkit" GET \/testkit\/v1\/fail failed: handler returned an error \(request id fail-1\)/,
                         qr/client intended to send too large/,
                         qr/client sent invalid header line/]);

done_testing;
