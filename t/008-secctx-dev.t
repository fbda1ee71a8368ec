# The SecurityCtx before authentication exists: the development tenant
# settings, and 401 for non-public operations without a tenant.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use HsTest;

plan skip_all => 'modules not built' unless HsTest::have_modules(qw(calculator testkit));

my $T1 = '11111111-1111-4111-8111-111111111111';
my $T2 = '22222222-2222-4222-8222-222222222222';

my $ng = HsTest->new(modules => [qw(calculator testkit)], http => qq{
    server {
        listen 127.0.0.1:%%PORT%%;
        location / { hyperspot on; }
    }
    server {
        listen 127.0.0.1:%%PORT2%%;
        hyperspot_dev_tenant  \U$T1\E;
        hyperspot_dev_tenant_header X-Dev-Tenant;
        location / { hyperspot on; }
    }
});
my ($rc, $out) = $ng->test_config;
like $out, qr/\[warn\].*hyperspot_dev_tenant: development setting, requests here act as this tenant without authentication; never use it in production/,
    'the development setting warns at every start';
$ng->start;

my $r = $ng->get('/testkit/v1/whoami');
HsTest::problem_ok($r, 401, 'unauthorized', 'no tenant: a non-public operation is refused');
is $ng->get('/testkit/v1/config')->{status}, 200, 'public operations still answer';

$r = $ng->get('/testkit/v1/whoami', port => $ng->port2);
is $r->{status}, 200, 'the development tenant';
is_deeply $r->{json}, { tenant_id => $T1, subject_id => '00000000-0000-0000-0000-000000000001',
                        auth_method => 'dev' }, 'SecurityCtx (uuid normalized to lower case)';

$r = $ng->get('/testkit/v1/whoami', port => $ng->port2, headers => { 'X-Dev-Tenant' => $T2 });
is $r->{json}{tenant_id}, $T2, 'the development header switches the tenant';
$r = $ng->get('/testkit/v1/whoami', port => $ng->port2, headers => { 'X-Dev-Tenant' => "x' OR 1=1" });
is $r->{json}{tenant_id}, $T1, 'a malformed header is ignored';
$r = $ng->get('/testkit/v1/whoami', headers => { 'X-Dev-Tenant' => $T2 });
is $r->{status}, 401, 'the header alone authenticates nothing';

$ng->check_log;
$ng->stop;

# $hs_tenant_id & co.: in log_format, and as a per-tenant limit_req key
{
    my $rl = HsTest->new(modules => [qw(calculator testkit)], http => qq{
        log_format sec '\$request_uri t=\$hs_tenant_id s=\$hs_subject_id a=\$hs_auth_method';
        access_log %%PREFIX%%/logs/sec.log sec;
        limit_req_zone \$hs_tenant_id zone=per_tenant:1m rate=1r/m;
        server {
            listen 127.0.0.1:%%PORT%%;
            hyperspot_dev_tenant $T1;
            hyperspot_dev_tenant_header X-Dev-Tenant;
            location / {
                hyperspot on;
                limit_req zone=per_tenant;
                limit_req_status 429;
            }
        }
    });
    $rl->start;
    is $rl->get('/testkit/v1/whoami')->{status}, 200, 'first request of tenant 1';
    my $r = $rl->get('/testkit/v1/whoami');
    HsTest::problem_ok($r, 429, 'too_many_requests', 'second request of tenant 1 is limited');
    is $r->{headers}{'retry-after'}, '1', 'with Retry-After';
    is $rl->get('/testkit/v1/whoami', headers => { 'X-Dev-Tenant' => $T2 })->{status}, 200,
        'tenant 2 has its own budget';
    $rl->stop;
    my $log = do { local (@ARGV, $/) = ($rl->prefix . '/logs/sec.log'); <> };
    like $log, qr{^/testkit/v1/whoami t=$T1 s=00000000-0000-0000-0000-000000000001 a=dev$}m,
        'tenant, subject and method in the access log';
    like $log, qr{^/testkit/v1/whoami t=$T2 }m, 'per request';
    $rl->check_log(allow => [qr/limiting requests/]);
}

my $bad = HsTest->new(modules => [qw(calculator)], http => q{
    server { listen 127.0.0.1:%%PORT%%; hyperspot_dev_tenant not-a-uuid; location / { hyperspot on; } }
});
($rc, $out) = $bad->test_config;
isnt $rc, 0, 'a malformed development tenant fails nginx -t';
like $out, qr/"not-a-uuid" is not a uuid in .*nginx\.conf:\d+/, 'with file and line';

done_testing;
