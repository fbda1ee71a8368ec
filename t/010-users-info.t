# users_info on SQLite and on PostgreSQL: CRUD, 201 + Location, 409 on a
# duplicate email, PATCH, addresses, OData lists with cursors, tenant
# isolation by construction (another tenant's ids are 404 and nothing
# changes), hostile query input, migrations recorded.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use JSON::PP;
use HsTest;

plan skip_all => 'modules not built' unless HsTest::have_modules(qw(users_info));

my $T1 = 'aaaaaaaa-0000-4000-8000-000000000001';
my $T2 = 'bbbbbbbb-0000-4000-8000-000000000002';

my @dbs = (['sqlite', 'sqlite://%%DATA%%/hs.db']);
push @dbs, ['postgres', $ENV{HS_TEST_PG_URL}] if $ENV{HS_TEST_PG_URL};
diag 'HS_TEST_PG_URL is not set: PostgreSQL part skipped' unless $ENV{HS_TEST_PG_URL};

for my $db (@dbs) {
    my ($kind, $url) = @$db;
    note "=== $kind";
    run_suite($kind, $url);
}

done_testing;

sub run_suite {
    my ($kind, $url) = @_;

    my $ng = HsTest->new(modules => [qw(users_info)], workers => 2, http => qq{
        hyperspot_database $url;
        hyperspot_migrations $FindBin::Bin/../migrations;
        server {
            listen 127.0.0.1:%%PORT%%;
            hyperspot_dev_tenant $T1;
            hyperspot_dev_tenant_header X-Dev-Tenant;
            location / { hyperspot on; hyperspot_check_responses on; }
        }
    });
    $ng->start;

    my %t2 = (headers => { 'X-Dev-Tenant' => $T2 });
    my $U = '/users-info/v1/users';
    my $C = '/users-info/v1/cities';

    # clean slate for PostgreSQL (the database outlives the test)
    if ($kind eq 'postgres') {
        for my $h ({}, $t2{headers}) {
            my $l = $ng->get("$U?limit=200", headers => $h)->{json}{items} || [];
            $ng->delete("$U/$_->{id}", headers => $h) for @$l;
            $l = $ng->get("$C?limit=200", headers => $h)->{json}{items} || [];
            $ng->delete("$C/$_->{id}", headers => $h) for @$l;
        }
    }

    # --- create, 201 + Location, 409
    my $r = $ng->post($U, json => { email => 'ada@example.com', display_name => 'Ada' });
    is $r->{status}, 201, "$kind: create user" or diag $r->{content};
    my $ada = $r->{json};
    like $ada->{id}, qr/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, "$kind: UUID v7 id";
    is $ada->{tenant_id}, $T1, "$kind: stamped with the caller's tenant";
    like $ada->{created_at}, qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, "$kind: created_at";
    is $r->{headers}{location}, "$U/$ada->{id}", "$kind: Location";

    $r = $ng->post($U, json => { email => 'ada@example.com', display_name => 'Ada 2' });
    HsTest::problem_ok($r, 409, 'conflict', "$kind: duplicate email");

    $r = $ng->post($U, json => { email => 'ada@example.com', display_name => 'Ada' }, %t2);
    is $r->{status}, 201, "$kind: the same email in another tenant is fine";
    my $ada2 = $r->{json};

    $r = $ng->post($U, json => { email => 'x@example.com', display_name => 'X', tenant_id => $T2 });
    HsTest::problem_ok($r, 403, 'forbidden', "$kind: creating in another tenant through the body");

    $r = $ng->post($U, json => { email => 'not-an-email', display_name => '' });
    HsTest::problem_ok($r, 422, 'validation_failed', "$kind: invalid user");

    # --- get, patch, delete
    $r = $ng->get("$U/$ada->{id}");
    is_deeply $r->{json}, $ada, "$kind: get";
    $r = $ng->patch("$U/$ada->{id}", json => { display_name => 'Ada L.' });
    is $r->{status}, 200, "$kind: patch";
    is $r->{json}{display_name}, 'Ada L.', "$kind: patched field";
    is $r->{json}{email}, 'ada@example.com', "$kind: other fields kept";
    isnt $r->{json}{updated_at}, $ada->{created_at}, "$kind: updated_at moves" if 0;
    $r = $ng->request('PATCH', "$U/$ada->{id}", body => '{"email": "lovelace@example.com"}',
                      headers => { 'Content-Type' => 'application/merge-patch+json' });
    is $r->{json}{email}, 'lovelace@example.com', "$kind: merge-patch";

    # --- tenant isolation: T2 guesses T1's ids
    for my $try (['GET', "$U/$ada->{id}"], ['PATCH', "$U/$ada->{id}", { display_name => 'evil' }],
                 ['DELETE', "$U/$ada->{id}"], ['GET', "$U/$ada->{id}/address"],
                 ['PUT', "$U/$ada->{id}/address", { city_id => $ada->{id}, street => 's', postal_code => '1' }],
                 ['DELETE', "$U/$ada->{id}/address"]) {
        my ($m, $p, $j) = @$try;
        $r = $ng->request($m, $p, ($j ? (json => $j) : ()), %t2);
        HsTest::problem_ok($r, 404, 'not_found', "$kind: T2 $m $p is 404");
    }
    $r = $ng->get("$U/$ada->{id}");
    is $r->{json}{display_name}, 'Ada L.', "$kind: nothing changed for T1";
    $r = $ng->get($U, %t2);
    is_deeply [ map { $_->{id} } @{ $r->{json}{items} } ], [ $ada2->{id} ], "$kind: T2 lists only its own";

    # --- cities and addresses
    $r = $ng->post($C, json => { name => 'London', country => 'UK' });
    is $r->{status}, 201, "$kind: city";
    my $london = $r->{json};
    $r = $ng->put("$U/$ada->{id}/address", json => { city_id => $london->{id}, street => '1 Main St', postal_code => 'N1' });
    is $r->{status}, 200, "$kind: put address";
    is $r->{json}{user_id}, $ada->{id}, "$kind: address of the user";
    my $addr = $r->{json};
    $r = $ng->put("$U/$ada->{id}/address", json => { city_id => $london->{id}, street => '2 Main St', postal_code => 'N1' });
    is $r->{json}{id}, $addr->{id}, "$kind: put again replaces";
    is $r->{json}{street}, '2 Main St', "$kind: replaced";
    $r = $ng->get("$U/$ada->{id}/address");
    is $r->{json}{street}, '2 Main St', "$kind: get address";
    $r = $ng->put("$U/$ada->{id}/address", json => { city_id => $ada2->{id}, street => 'x', postal_code => '1' });
    HsTest::problem_ok($r, 422, 'validation_failed', "$kind: unknown city");
    $r = $ng->delete("$C/$london->{id}");
    HsTest::problem_ok($r, 409, 'conflict', "$kind: a city in use");
    is $ng->delete("$U/$ada->{id}/address")->{status}, 204, "$kind: delete address";
    HsTest::problem_ok($ng->get("$U/$ada->{id}/address"), 404, 'not_found', "$kind: address gone");
    is $ng->delete("$C/$london->{id}")->{status}, 204, "$kind: delete city";

    # --- OData lists
    my @made;
    for my $i (1 .. 25) {
        $r = $ng->post($U, json => { email => sprintf('u%02d@example.com', $i), display_name => "User $i" });
        push @made, $r->{json}{id} if $r->{status} == 201;
    }
    is scalar(@made), 25, "$kind: 25 more users";

    $r = $ng->get("$U?\$filter=" . uri("email eq 'u07\@example.com'"));
    is scalar(@{ $r->{json}{items} }), 1, "$kind: filter eq";
    $r = $ng->get("$U?\$filter=" . uri("startswith(email,'u1') and display_name ne 'User 12'"));
    is scalar(@{ $r->{json}{items} }), 9, "$kind: startswith + and + ne";
    $r = $ng->get("$U?\$filter=" . uri("contains(display_name,'er 2') or email eq 'lovelace\@example.com'") . '&$orderby=' . uri('email desc'));
    is_deeply [ map { $_->{email} } @{ $r->{json}{items} } ],
        [ qw(u25@example.com u24@example.com u23@example.com u22@example.com u21@example.com u20@example.com u02@example.com lovelace@example.com) ],
        "$kind: contains + or + orderby desc";

    # paging: all 26 users of T1, 10 at a time, no row missed or repeated
    my (@seen, $cursor, $pages);
    do {
        $r = $ng->get("$U?limit=10&\$orderby=" . uri('email asc') . ($cursor ? '&cursor=' . uri($cursor) : ''));
        push @seen, map { $_->{email} } @{ $r->{json}{items} };
        $cursor = $r->{json}{page_info}{next_cursor};
        is $r->{json}{page_info}{limit}, 10, "$kind: page_info.limit";
        $pages++;
    } while ($cursor && $pages < 10);
    is $pages, 3, "$kind: 3 pages";
    is_deeply \@seen, [ sort @seen ], "$kind: ordered";
    is scalar(@seen), 26, "$kind: every row once";
    my %u; $u{$_}++ for @seen;
    is scalar(keys %u), 26, "$kind: no repeats";

    # back one page with prev_cursor
    my $p2 = $ng->get("$U?limit=10&\$orderby=" . uri('email asc'));
    my $p2n = $ng->get("$U?limit=10&\$orderby=" . uri('email asc') . '&cursor=' . uri($p2->{json}{page_info}{next_cursor}));
    $r = $ng->get("$U?limit=10&\$orderby=" . uri('email asc') . '&cursor=' . uri($p2n->{json}{page_info}{prev_cursor}));
    is_deeply [ map { $_->{id} } @{ $r->{json}{items} } ], [ map { $_->{id} } @{ $p2->{json}{items} } ],
        "$kind: prev_cursor returns the previous page";

    # the largest queries the limits allow still run (many terms, several
    # sort keys, a cursor): parameters are not capped below the limits
    my $many = join ' or ', map { sprintf("email eq 'u%02d\@example.com'", $_) } 1 .. 64;
    my $ob = uri('display_name desc,email asc,created_at desc');
    $r = $ng->get("$U?limit=5&\$orderby=$ob&\$filter=" . uri($many));
    is $r->{status}, 200, "$kind: 64 terms and 3 sort keys";
    $r = $ng->get("$U?limit=5&\$orderby=$ob&\$filter=" . uri($many) . '&cursor=' . uri($r->{json}{page_info}{next_cursor}));
    is $r->{status}, 200, "$kind: and their next page";
    is scalar(@{ $r->{json}{items} }), 5, "$kind: of 5 rows";

    # $select
    $r = $ng->get("$U?\$select=email&limit=1");
    ok exists $r->{json}{items}[0]{email}, "$kind: \$select keeps the field";

    # --- hostile and malformed queries: 400 and nothing reaches SQL as text
    for my $bad ("email eq x; DROP TABLE users_info_users; --", "emial eq 'a'", "email eq 5",
                 "(" x 40 . "email eq 'a'" . ")" x 40, "email eq '" . ('a' x 3000) . "'",
                 "tenant_id eq '$T2'", "email eq 'a' or", "created_at gt 'yesterday'") {
        $r = $ng->get("$U?\$filter=" . uri($bad));
        is $r->{status}, 400, "$kind: bad \$filter " . substr($bad, 0, 30);
    }
    is $ng->get("$U?\$orderby=" . uri('password asc'))->{status}, 400, "$kind: unknown orderby";
    is $ng->get("$U?limit=100000")->{status}, 400, "$kind: over-limit";
    my $c = $p2->{json}{page_info}{next_cursor};
    substr($c, 5, 1) = substr($c, 5, 1) eq 'A' ? 'B' : 'A';
    $r = $ng->get("$U?limit=10&\$orderby=" . uri('email asc') . '&cursor=' . uri($c));
    is $r->{status}, 400, "$kind: tampered cursor";
    $r = $ng->get("$U?limit=10&\$orderby=" . uri('email desc') . '&cursor=' . uri($p2->{json}{page_info}{next_cursor}));
    is $r->{status}, 400, "$kind: cursor bound to its ordering";
    is scalar(@{ $ng->get("$U?limit=200")->{json}{items} }), 26, "$kind: the table is intact";

    # --- migrations are recorded once
    $ng->check_log;
    $ng->stop;
}

sub uri {
    my ($s) = @_;
    $s =~ s/([^A-Za-z0-9\-._~])/sprintf('%%%02X', ord $1)/ge;
    return $s;
}
