# The key set from a JWKS URL: fetched by every worker, over http and
# https (verified against a CA file), again when a token names an unknown
# kid (at most once per min_interval, so made-up kids never flood the
# identity provider), kept when the provider fails.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use File::Copy qw(copy);
use Time::HiRes qw(sleep time);
use HsTest;
use HsAuth;

plan skip_all => 'modules not built' unless HsTest::have_modules(qw(users_info));
plan skip_all => 'python3-jwt is not installed' unless HsAuth::available();
plan skip_all => 'openssl is not installed' unless system('openssl version >/dev/null 2>&1') == 0;

my $keys = HsAuth->new;
my $T1 = 'aaaaaaaa-0000-4000-8000-000000000001';
my $SUB = 'cccccccc-0000-4000-8000-000000000003';
my $U = '/users-info/v1/users';

# --- the identity provider: a plain nginx serving the key set
my $idp = HsTest->new(core => 0, http => q{
    log_format fetch '$request_uri';
    access_log %%PREFIX%%/logs/fetch.log fetch;
    server {
        listen 127.0.0.1:%%PORT%%;
        location / { root %%DATA%%; default_type application/json; }
    }
    server {
        listen 127.0.0.1:%%PORT2%% ssl;
        ssl_certificate %%PREFIX%%/conf/idp.crt;
        ssl_certificate_key %%PREFIX%%/conf/idp.key;
        location / { root %%DATA%%; default_type application/json; }
    }
});
my $idp_conf = $idp->prefix . '/conf';
system("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
       . "-addext subjectAltName=DNS:localhost -keyout $idp_conf/idp.key "
       . "-out $idp_conf/idp.crt >/dev/null 2>&1") == 0 or BAIL_OUT('openssl req failed');
chmod 0644, "$idp_conf/idp.key";
copy($keys->jwks_file, $idp->data_dir . '/jwks.json') or die;
chmod 0644, $idp->data_dir . '/jwks.json';
$idp->start;

sub fetches {
    my $log = HsTest::_slurp($idp->prefix . '/logs/fetch.log') // '';
    return scalar(() = $log =~ m{^/jwks\.json$}mg);
}

sub hs {
    my ($url, @extra) = @_;
    return HsTest->new(
        modules => ['users_info'], workers => 1,
        yaml => "security:\n  roles:\n    reader: ['*:read']\n",
        http => qq{
            hyperspot_config %%YAML%%;
            hyperspot_database sqlite://%%DATA%%/hs.db;
            hyperspot_jwks_url $url @extra;
            server {
                listen 127.0.0.1:%%PORT%%;
                location / { hyperspot on; }
            }
        });
}

sub tok {
    my ($kid, $key) = @_;
    return $keys->mint({ claims => HsAuth::claims(sub => $SUB, tenants => [$T1], roles => ['reader']),
                         alg => 'RS256', key => $key // $kid, kid => $kid });
}

my $ng = hs('http://127.0.0.1:' . $idp->port . '/jwks.json', 'interval=1h', 'min_interval=2s');
{
    my ($rc, $out) = $ng->test_config;
    is $rc, 0, 'nginx -t passes' or diag $out;
    is fetches(), 0, 'nginx -t fetches nothing';
}
$ng->start;

# --- the first requests wait for the key set
{
    my $r = $ng->get($U, headers => HsAuth::bearer(tok('rsa1')));
    is $r->{status}, 200, 'a token verifies with the fetched key set' or diag $r->{content};
    for (1 .. 6) {
        is $ng->get($U, headers => HsAuth::bearer(tok('rsa1')))->{status}, 200, "again ($_)";
    }
    is fetches(), 1, 'one fetch served them all';
}

# --- made-up kids cost at most one fetch per min_interval
{
    my $before = fetches();
    my @bogus = $keys->mint(map { { claims => HsAuth::claims(sub => $SUB, tenants => [$T1]),
                                    key => 'other', kid => "bogus-$_" } } 1 .. 30);
    sleep 2.2;    # a refresh is allowed again
    my $refused = 0;
    for my $t (@bogus) {
        my $r = $ng->get($U, headers => HsAuth::bearer($t));
        $refused++ if $r->{status} == 401 && ($r->{json}{detail} // '') =~ /unknown kid/;
    }
    is $refused, 30, 'every unknown kid is refused with 401';
    my $extra = fetches() - $before;
    is $extra, 1, '30 unknown kids caused one fetch';
}

# --- key rotation: a new kid is fetched and accepted
{
    copy($keys->jwks2_file, $idp->data_dir . '/jwks.json') or die;
    sleep 2.2;
    my $r = $ng->get($U, headers => HsAuth::bearer(tok('rsa2')));
    is $r->{status}, 200, 'a token of the rotated key verifies after a refresh'
        or diag $r->{content};
    is $ng->get($U, headers => HsAuth::bearer(tok('rsa1')))->{status}, 401,
        'the retired key no longer verifies';
}

# --- the provider fails: the key set stays
{
    unlink $idp->data_dir . '/jwks.json';
    sleep 2.2;
    my $t = $keys->mint({ claims => HsAuth::claims(sub => $SUB, tenants => [$T1]),
                          key => 'other', kid => 'after-outage' });
    is $ng->get($U, headers => HsAuth::bearer($t))->{status}, 401, 'unknown kid during the outage';
    for (1 .. 4) {
        is $ng->get($U, headers => HsAuth::bearer(tok('rsa2')))->{status}, 200,
            "the last key set stays in use ($_)";
    }
    like $ng->error_log, qr/hyperspot_jwks_url: .*answered 404; the previous key set stays in use/,
        'the failure is logged';
    $ng->check_log(allow => [qr/hyperspot_jwks_url: .*answered 404/]);
}
$ng->stop;

# --- https, verified against the provider's certificate
{
    copy($keys->jwks_file, $idp->data_dir . '/jwks.json') or die;
    my $https = 'https://localhost:' . $idp->port2 . '/jwks.json';

    my $n = hs($https, "ca_file=$idp_conf/idp.crt");
    $n->start;
    is $n->get($U, headers => HsAuth::bearer(tok('rsa1')))->{status}, 200,
        'the key set over https (CA file)';
    $n->check_log;
    $n->stop;

    $n = hs($https);
    $n->start;
    my $r = $n->get($U, headers => HsAuth::bearer(tok('rsa1')));
    is $r->{status}, 503, 'an unverifiable provider: tokens cannot be checked (503)';
    like $r->{json}{detail} // '', qr/certificate/, 'the problem says why';
    like $n->error_log, qr/hyperspot_jwks_url: TLS handshake with localhost failed: .*certificate/,
        'the TLS failure is logged';
    $n->check_log(allow => [qr/hyperspot_jwks_url: TLS handshake/]);
    $n->stop;
}

# --- configuration errors
{
    for my $case (['ftp://idp/jwks.json', qr/only http:\/\/ and https:\/\//],
                  ['http://idp/jwks.json interval=0', qr/invalid time in "interval=0"/],
                  ['http://idp/jwks.json every=5m', qr/invalid parameter "every=5m"/],
                  ['http://idp/jwks.json interval=10s min_interval=1m', qr/min_interval is longer than interval/]) {
        my ($url, $re) = @$case;
        my $n = hs($url);
        my ($rc, $out) = $n->test_config;
        isnt $rc, 0, "nginx -t fails: $url";
        like $out, $re, 'with a message that says why';
    }
}

$idp->stop;
done_testing;
