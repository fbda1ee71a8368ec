# The hostile suite: requests an attacker would send, each with the status
# it must get and a check that no tenant's data changed. Tokens are minted
# with PyJWT (t/lib/mint_jwt.py), an implementation independent of ours,
# or built by hand where no library would produce them.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use JSON::PP;
use MIME::Base64 qw(encode_base64url);
use Digest::SHA qw(sha256_hex);
use HsTest;
use HsAuth;

plan skip_all => 'modules not built' unless HsTest::have_modules(qw(users_info tenants access));
plan skip_all => 'python3-jwt is not installed' unless HsAuth::available();

my $keys = HsAuth->new;
my $T1 = 'aaaaaaaa-0000-4000-8000-000000000001';
my $T2 = 'bbbbbbbb-0000-4000-8000-000000000002';
my $T3 = 'dddddddd-0000-4000-8000-000000000004';    # suspended
my $T4 = 'ffffffff-0000-4000-8000-000000000005';    # never registered
my $ROOT = 'eeeeeeee-0000-4000-8000-00000000000e';
my $SUB = 'cccccccc-0000-4000-8000-000000000003';
my $U = '/users-info/v1/users';
my $C = '/users-info/v1/cities';
my $ISS = 'https://idp.example.com';
my $JSON = JSON::PP->new->utf8->canonical;

my $ng = HsTest->new(
    modules => ['users_info', 'tenants', 'access'], workers => 2,
    yaml => "modules:\n  tenants:\n    config:\n      root_tenant: $ROOT\n"
          . "security:\n  roles:\n    admin: ['*']\n    reader: ['*:read']\n",
    http => qq{
        hyperspot_config %%YAML%%;
        hyperspot_database sqlite://%%DATA%%/hs.db;
        hyperspot_jwks_file @{[ $keys->jwks_file ]};
        hyperspot_jwt_issuer $ISS;
        hyperspot_jwt_audience hyperspot;
        large_client_header_buffers 4 16k;
        server {
            listen 127.0.0.1:%%PORT%%;
            location / { hyperspot on; }
        }
    });
$ng->start;

sub claims { HsAuth::claims(iss => $ISS, aud => 'hyperspot', sub => $SUB, @_) }
sub spec   { my ($key, %c) = @_; { claims => claims(%c), key => $key,
                                   alg => $key =~ /^ec/ ? 'ES256' : $key =~ /^hs/ ? 'HS256' : 'RS256' } }
sub bearer { HsAuth::bearer($_[0]) }
sub esc { my ($s) = @_; $s =~ s/([^A-Za-z0-9._~-])/sprintf('%%%02X', ord $1)/ge; $s }

my ($admin1, $admin2, $reader1, $root, $admin3, $admin4) = $keys->mint(
    spec('rsa1', tenants => [$T1], roles => ['admin']),
    spec('rsa1', tenants => [$T2], roles => ['admin']),
    spec('rsa1', tenants => [$T1], roles => ['reader']),
    spec('rsa1', tenants => [$ROOT], roles => ['admin']),
    spec('rsa1', tenants => [$T3], roles => ['admin']),
    spec('rsa1', tenants => [$T4], roles => ['admin']));

# --- the tenant tree: root, three children, the third suspended
my $TN = '/tenants/v1/tenants';
for my $t ([$T1, 'one'], [$T2, 'two'], [$T3, 'three']) {
    my $r = $ng->post($TN, headers => bearer($root), json => { id => $t->[0], name => $t->[1] });
    $r->{status} == 201 or BAIL_OUT("setup: tenant: $r->{content}");
}

# --- each tenant's data, and a digest of all of it
my (%id1, %id2);
for my $t ([$admin1, \%id1, 'one'], [$admin2, \%id2, 'two']) {
    my ($tok, $ids, $name) = @$t;
    my $r = $ng->post($U, headers => bearer($tok), json => { email => "$name\@example.com", display_name => $name });
    $ids->{user} = $r->{json}{id} or BAIL_OUT("setup: $r->{content}");
    $r = $ng->post($C, headers => bearer($tok), json => { name => "City $name", country => 'UK' });
    $ids->{city} = $r->{json}{id} or BAIL_OUT("setup: $r->{content}");
    $r = $ng->put("$U/$ids->{user}/address", headers => bearer($tok),
                  json => { city_id => $ids->{city}, street => "1 $name St", postal_code => 'N1' });
    $r->{status} == 200 or BAIL_OUT("setup: $r->{content}");
}

sub state {
    my @parts;
    for my $tok ($admin1, $admin2) {
        for my $p ("$U?limit=200", "$C?limit=200") {
            my $r = $ng->get($p, headers => bearer($tok));
            push @parts, $r->{content};
            for my $u (@{ $r->{json}{items} // [] }) {
                push @parts, $ng->get("$U/$u->{id}/address", headers => bearer($tok))->{content}
                    if $p =~ m{/users\?};
            }
        }
    }
    push @parts, $ng->get("$TN/$ROOT/descendants?limit=200", headers => bearer($root))->{content};
    return sha256_hex(join "\n", @parts);
}

# --- API keys of tenant 1: one in force, one revoked, one about to expire
my $K = '/access/v1/api-keys';
my %key;
for my $k (['live', undef], ['revoked', undef], ['expiring', 2]) {
    my ($name, $ttl) = @$k;
    my %b = (name => $name);
    if ($ttl) {
        my @t = gmtime(time + $ttl);
        $b{expires_at} = sprintf('%04d-%02d-%02dT%02d:%02d:%02dZ', $t[5] + 1900, $t[4] + 1, @t[3, 2, 1, 0]);
    }
    my $r = $ng->post($K, headers => bearer($admin1), json => \%b);
    $r->{status} == 201 or BAIL_OUT("setup: key: $r->{content}");
    $key{$name} = $r->{json};
}
$ng->delete("$K/$key{revoked}{id}", headers => bearer($admin1))->{status} == 204
    or BAIL_OUT('setup: revoke');
is $ng->get("$U/$id1{user}", headers => { 'X-API-Key' => $key{live}{key} })->{status}, 200,
    'control: the live key reads its tenant';
sleep 3;    # the expiring key expires

$ng->patch("$TN/$T3", headers => bearer($root), json => { status => 'suspended' })->{status} == 200
    or BAIL_OUT('setup: suspend');

my $before = state();

# A case: [name, method, path, headers, json body or raw body, expected
# status (or a list of acceptable ones), optional check of the response]
my @cases;
sub case { push @cases, [@_] }

# hand-made tokens
sub b64j { encode_base64url($JSON->encode($_[0])) }
my $good = $keys->mint(spec('rsa1', tenants => [$T1], roles => ['admin']));
my ($gh, $gp, $gs) = split /\./, $good;
my $payload_t2 = b64j(claims(tenants => [$T2], roles => ['admin']));

# --- algorithm attacks
case('alg none', 'GET', $U, bearer($keys->mint({ claims => claims(tenants => [$T1], roles => ['admin']), key => 'none', kid => 'rsa1' })), undef, 401);
case('alg none, no signature part', 'GET', $U, bearer(b64j({ alg => 'none', typ => 'JWT' }) . '.' . b64j(claims(tenants => [$T1]))), undef, 401);
case('alg "None" in another case', 'GET', $U, bearer(b64j({ alg => 'None', kid => 'rsa1' }) . ".$gp."), undef, 401);
case('HS256 signed with the RSA public key', 'GET', $U, bearer($keys->mint({ claims => claims(tenants => [$T1], roles => ['admin']), key => 'rsa1-public-as-hs', kid => 'rsa1' })), undef, 401);
case('HS256 with a real oct key, not allowed by policy', 'GET', $U, bearer($keys->mint(spec('hs1', tenants => [$T1], roles => ['admin']))), undef, 401);
case('RS256 token naming the EC key', 'GET', $U, bearer($keys->mint({ claims => claims(tenants => [$T1]), key => 'rsa1', kid => 'ec1', alg => 'RS256' })), undef, 401);
case('ES256 token naming the RSA key', 'GET', $U, bearer($keys->mint({ claims => claims(tenants => [$T1]), key => 'ec1', kid => 'rsa1', alg => 'ES256' })), undef, 401);
case('alg missing from the header', 'GET', $U, bearer(b64j({ kid => 'rsa1' }) . ".$gp.$gs"), undef, 401);
case('alg RS256 header re-encoded with a jku', 'GET', $U, bearer(b64j({ alg => 'RS256', kid => 'rsa1', jku => 'https://evil.example.com/jwks' }) . ".$gp.$gs"), undef, 401);

# --- time and audience
case('expired', 'GET', $U, bearer($keys->mint(spec('rsa1', tenants => [$T1], roles => ['admin'], exp => time - 3600))), undef, 401);
case('expired beyond the leeway by a minute', 'GET', $U, bearer($keys->mint(spec('rsa1', tenants => [$T1], roles => ['admin'], exp => time - 90))), undef, 401);
case('not yet valid', 'GET', $U, bearer($keys->mint(spec('rsa1', tenants => [$T1], roles => ['admin'], nbf => time + 3600))), undef, 401);
case('exp as a string', 'GET', $U, bearer($keys->mint(spec('rsa1', tenants => [$T1], roles => ['admin'], exp => '' . (time + 3600)))), undef, 401);
case('no exp', 'GET', $U, bearer($keys->mint(spec('rsa1', tenants => [$T1], roles => ['admin'], exp => undef))), undef, 401);
case('wrong issuer', 'GET', $U, bearer($keys->mint(spec('rsa1', tenants => [$T1], roles => ['admin'], iss => 'https://evil.example.com'))), undef, 401);
case('no issuer', 'GET', $U, bearer($keys->mint(spec('rsa1', tenants => [$T1], roles => ['admin'], iss => undef))), undef, 401);
case('wrong audience', 'GET', $U, bearer($keys->mint(spec('rsa1', tenants => [$T1], roles => ['admin'], aud => 'other'))), undef, 401);
case('audience list without ours', 'GET', $U, bearer($keys->mint(spec('rsa1', tenants => [$T1], roles => ['admin'], aud => ['a', 'b']))), undef, 401);

# --- keys and encoding
case('unknown kid', 'GET', $U, bearer($keys->mint({ claims => claims(tenants => [$T1], roles => ['admin']), key => 'other', kid => 'nope' })), undef, 401);
case('signed by a key in no key set, naming ours', 'GET', $U, bearer($keys->mint({ claims => claims(tenants => [$T1], roles => ['admin']), key => 'other', kid => 'rsa1' })), undef, 401);
case('tenant claim forged in a valid token', 'GET', $U, bearer("$gh.$payload_t2.$gs"), undef, 401);
case('signature of another token', 'GET', $U, bearer("$gh.$gp." . (split /\./, $admin2)[2]), undef, 401);
case('malformed base64 in the header', 'GET', $U, bearer("\@\@\@.$gp.$gs"), undef, 401);
case('malformed base64 in the payload', 'GET', $U, bearer("$gh.!!!!.$gs"), undef, 401);
case('malformed base64 in the signature', 'GET', $U, bearer("$gh.$gp.***"), undef, 401);
case('header that is not JSON', 'GET', $U, bearer(encode_base64url('{"alg":') . ".$gp.$gs"), undef, 401);
case('two parts', 'GET', $U, bearer("$gh.$gp"), undef, 401);
case('four parts', 'GET', $U, bearer("$gh.$gp.$gs.$gs"), undef, 401);
case('empty bearer', 'GET', $U, { Authorization => 'Bearer ' }, undef, 401);
case('token of 20 KB', 'GET', $U, bearer("$gh." . ('A' x 20000) . ".$gs"), undef, [401, 400, 431]);
case('Authorization header of 64 KB', 'GET', $U, bearer('x' x 65536), undef, [400, 431, 494]);
case('Basic credentials', 'GET', $U, { Authorization => 'Basic ' . encode_base64url("admin:admin") }, undef, 401);
case('token in the query string', 'GET', "$U?access_token=$good", {}, undef, [400, 401]);
case('sub that is a number', 'GET', $U, bearer($keys->mint(spec('rsa1', tenants => [$T1], roles => ['admin'], sub => 42))), undef, 401);
case('tenant that is a number', 'GET', $U, bearer($keys->mint(spec('rsa1', tenants => 7, roles => ['admin']))), undef, 401);
case('two tenants in one token', 'GET', $U, bearer($keys->mint(spec('rsa1', tenants => [$T1, $T2], roles => ['admin']))), undef, 401);
case('a role the platform does not define', 'POST', $U, bearer($keys->mint(spec('rsa1', tenants => [$T1], roles => ['root', 'superuser']))), { email => 'r@example.com', display_name => 'R' }, 403);
case('reader writes', 'POST', $U, bearer($reader1), { email => 'w@example.com', display_name => 'W' }, 403);
case('reader deletes', 'DELETE', "$U/$id1{user}", bearer($reader1), undef, 403);
case('no credentials, write', 'POST', $U, {}, { email => 'n@example.com', display_name => 'N' }, 401);

# --- tenant switching
for my $h ('X-Tenant-ID', 'X-HS-Tenant', 'Tenant-Id', 'X-Dev-Tenant', 'X-Forwarded-Tenant') {
    case("tenant switch through $h", 'GET', "$U/$id2{user}", { %{ bearer($admin1) }, $h => $T2 }, undef, 404);
}
case('tenant switch through the query', 'GET', "$U/$id2{user}?tenant_id=$T2", bearer($admin1), undef, [400, 404]);
case('tenant switch through the body', 'POST', $U, bearer($admin1), { email => 'sw@example.com', display_name => 'S', tenant_id => $T2 }, [403, 422]);
case('tenant switch through a PATCH body', 'PATCH', "$U/$id1{user}", bearer($admin1), { tenant_id => $T2 }, [403, 422]);

# --- cross-tenant id guessing, every users_info endpoint
for my $e (['GET', "$U/$id2{user}"], ['PATCH', "$U/$id2{user}", { display_name => 'owned' }],
           ['DELETE', "$U/$id2{user}"], ['GET', "$U/$id2{user}/address"],
           ['PUT', "$U/$id2{user}/address", { city_id => $id1{city}, street => 'x', postal_code => '1' }],
           ['DELETE', "$U/$id2{user}/address"], ['GET', "$C/$id2{city}"],
           ['PATCH', "$C/$id2{city}", { name => 'owned' }], ['DELETE', "$C/$id2{city}"]) {
    my ($m, $p, $b) = @$e;
    case("cross-tenant $m " . ($p =~ s/[0-9a-f-]{36}/{id}/gr), $m, $p, bearer($admin1), $b, 404);
}
case("address of one's own user in another tenant's city", 'PUT', "$U/$id1{user}/address", bearer($admin1),
     { city_id => $id2{city}, street => 'x', postal_code => '1' }, 422);

# --- API keys
my $live = $key{live}{key};
my ($kt, $kid, $ksec) = $live =~ /^hsk_([0-9a-f]{32})_([0-9a-f]{32})_([0-9a-f]+)$/
    or BAIL_OUT("unexpected key format: $live");
(my $t2hex = $T2) =~ s/-//g;
my $flip = substr($ksec, 0, -1) . (substr($ksec, -1) eq '0' ? '1' : '0');
my @key401 = (
    ['revoked API key', $key{revoked}{key}],
    ['expired API key', $key{expiring}{key}],
    ['API key with a forged tenant part', "hsk_${t2hex}_${kid}_$ksec"],
    ['API key with its last secret digit changed', "hsk_${kt}_${kid}_$flip"],
    ['API key with its first secret digit changed', "hsk_${kt}_${kid}_" . (substr($ksec, 0, 1) eq 'a' ? 'b' : 'a') . substr($ksec, 1)],
    ['API key with an unknown key id', "hsk_${kt}_" . ('0' x 32) . "_$ksec"],
    ['API key that is not one', 'letmein'],
    ['API key with SQL', "hsk_' OR '1'='1"],
    ['API key of 300 characters', 'hsk_' . ('a' x 296)],
);
my @bodies;
for my $c (@key401) {
    my ($name, $k) = @$c;
    case($name, 'GET', "$U/$id1{user}", { 'X-API-Key' => $k }, undef, 401,
         sub { my $j = $_[0]{json} // {}; push @bodies, join '|', map { $_ // '' } @$j{qw(type title status detail code)} });
}
case('a live key reaches no other tenant', 'GET', "$U/$id2{user}", { 'X-API-Key' => $live }, undef, 404);
case('a live key cannot create keys', 'POST', $K, { 'X-API-Key' => $live }, { name => 'child' }, 403);
case('a key with a bearer token: the token decides', 'GET', "$U/$id2{user}", { 'X-API-Key' => $live, %{ bearer($admin2) } }, undef, 200);
case('a reader assigns itself a role', 'POST', '/access/v1/role-assignments', bearer($reader1),
     { subject_id => $SUB, role => 'admin' }, 403);
case('a reader revokes a key', 'DELETE', "$K/$key{live}{id}", bearer($reader1), undef, 403);

# --- tenants
case('a suspended tenant reads', 'GET', $U, bearer($admin3), undef, 403,
     sub { like $_[0]{json}{detail}, qr/suspended/, 'the problem says the tenant is suspended' });
case('a suspended tenant writes', 'POST', $U, bearer($admin3), { email => 's@example.com', display_name => 'S' }, 403);
case('a suspended tenant reactivates itself', 'PATCH', "$TN/$T3", bearer($admin3), { status => 'active' }, 403);
case('a tenant no one registered', 'GET', $U, bearer($admin4), undef, 403);
case('a tenant reads its sibling', 'GET', "$TN/$T2", bearer($admin1), undef, 404);
case('a tenant suspends its sibling', 'PATCH', "$TN/$T2", bearer($admin1), { status => 'suspended' }, 404);
case('a tenant suspends its parent', 'PATCH', "$TN/$ROOT", bearer($admin1), { status => 'suspended' }, 404);
case('a tenant suspends itself', 'PATCH', "$TN/$T1", bearer($admin1), { status => 'suspended' }, 403);
case('a tenant creates a child under its sibling', 'POST', $TN, bearer($admin1), { name => 'x', parent_id => $T2 }, [403, 404]);
case("a tenant lists its parent's subtree", 'GET', "$TN/$ROOT/descendants", bearer($admin1), undef, 404);
case('an unknown tenant status', 'PATCH', "$TN/$T3", bearer($root), { status => 'unknown' }, 422);

# --- SQL metacharacters in every parameter
my $sqli = "1' OR '1'='1";
case('SQL in the user id', 'GET', "$U/" . esc($sqli), bearer($admin1), undef, [404, 422]);
case('SQL in the city id', 'DELETE', "$C/" . esc("x'; DROP TABLE users;--"), bearer($admin1), undef, [404, 422]);
case('SQL in $filter', 'GET', "$U?\$filter=" . esc("email eq 'a' or 1 eq 1; DROP TABLE users"), bearer($admin1), undef, 400);
case('SQL in $filter string literal', 'GET', "$U?\$filter=" . esc("email eq 'x'' OR ''1''=''1'"), bearer($admin1), undef, 200,
     sub { is_deeply $_[0]{json}{items}, [], 'a quote is data: nothing matches' });
case('SQL in $orderby', 'GET', "$U?\$orderby=" . esc("email; DROP TABLE users"), bearer($admin1), undef, 400);
case('SQL in $select', 'GET', "$U?\$select=" . esc("id,(SELECT tenant_id FROM users)"), bearer($admin1), undef, 400);
case('SQL in limit', 'GET', "$U?limit=" . esc("1;DROP TABLE users"), bearer($admin1), undef, 400);
case('SQL in cursor', 'GET', "$U?cursor=" . esc("' OR 1=1--"), bearer($admin1), undef, 400);
case('SQL in a created user stays data', 'POST', $U, bearer($admin1),
     { email => "o'brien\@example.com", display_name => "x'); DROP TABLE users;--" }, 201,
     sub {
         my $id = $_[0]{json}{id};
         is $ng->get("$U/$id", headers => bearer($admin1))->{json}{display_name}, "x'); DROP TABLE users;--",
             'stored as it was sent';
         is $ng->delete("$U/$id", headers => bearer($admin1))->{status}, 204, 'and removed again';
     });

# --- request ids
case('X-Request-ID with a quote and spaces is replaced', 'GET', '/healthz', { 'X-Request-ID' => 'a" b <script>' }, undef, 200,
     sub { like $_[0]{headers}{'x-request-id'}, qr/^[0-9a-f]{32}$/, 'a generated id instead' });
case('X-Request-ID of 200 characters is replaced', 'GET', '/healthz', { 'X-Request-ID' => 'a' x 200 }, undef, 200,
     sub { like $_[0]{headers}{'x-request-id'}, qr/^[0-9a-f]{32}$/, 'a generated id instead' });
case('X-Request-ID in a problem is the sanitized one', 'GET', "$U/nope", { %{ bearer($admin1) }, 'X-Request-ID' => 'a/b\\c' }, undef, [400, 404, 422],
     sub { like $_[0]{json}{trace_id} // '', qr/^[0-9a-f]{32}$/, 'trace_id is generated' });

my $n = 0;
for my $c (@cases) {
    my ($name, $method, $path, $headers, $body, $want, $check) = @$c;
    $n++;
    my $r = $ng->request($method, $path, headers => $headers // {},
                         (defined $body ? (json => $body) : ()));
    my @want = ref $want ? @$want : ($want);
    ok((grep { $r->{status} == $_ } @want), sprintf('%02d %s: %s', $n, $name, join('/', @want)))
        or diag "got $r->{status}: $r->{content}";
    if ($r->{status} >= 400) {
        like $r->{headers}{'content-type'} // '', qr{^application/problem\+json}, "$name: a problem";
    }
    $check->($r) if $check;
    is state(), $before, "$name: nothing changed" if $r->{status} >= 400 || $check;
}
cmp_ok $n, '>=', 60, "$n hostile cases";
is scalar(keys %{ { map { $_ => 1 } @bodies } }), 1,
    'every refused API key gets the same problem (no oracle)'
    or diag join "\n", keys %{ { map { $_ => 1 } @bodies } };

# --- a raw request with CR LF smuggled into X-Request-ID
{
    my $raw = $ng->raw_request("GET /healthz HTTP/1.1\r\nHost: t\r\nX-Request-ID: a\rSet-Cookie: owned=1\r\nConnection: close\r\n\r\n");
    unlike $raw, qr/^Set-Cookie:/mi, 'no header injection through X-Request-ID';
    my $raw2 = $ng->raw_request("GET /healthz HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer a\r\nAuthorization: Bearer b\r\nConnection: close\r\n\r\n");
    like $raw2, qr{^HTTP/1.1 400}, 'two Authorization headers are a 400';
}

$ng->check_log(allow => [qr/client sent duplicate header line/, qr/client sent invalid header line/]);
$ng->stop;

done_testing;
