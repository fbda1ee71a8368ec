# Operating the database: migrations never under "nginx -t", hsctl
# migrate, a changed migration stops service with a clear error, two
# workers migrate once, and PostgreSQL going away and coming back.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use File::Copy qw(copy);
use File::Path qw(make_path);
use File::Temp qw(tempdir);
use Time::HiRes qw(time sleep);
use HsTest;

plan skip_all => 'modules not built' unless HsTest::have_modules(qw(users_info));

my $HSCTL = HsTest::tool_env() . ($ENV{HS_HSCTL} // "$FindBin::Bin/../build/bin/hsctl");
my $T1 = 'aaaaaaaa-0000-4000-8000-000000000001';
my $U = '/users-info/v1/users';

# a private copy of the migrations, to change one
my $mig = tempdir(CLEANUP => 1);
for my $d (qw(sqlite postgres)) {
    make_path("$mig/users_info/$d");
    copy("$FindBin::Bin/../migrations/users_info/$d/0001_init.sql", "$mig/users_info/$d/")
        or die "copy: $!";
}
chmod 0755, $mig;

sub conf {
    my ($url, %o) = @_;
    return qq{
        hyperspot_database $url;
        hyperspot_migrations $mig;
        server {
            listen 127.0.0.1:%%PORT%%;
            hyperspot_dev_tenant $T1;
            location / { hyperspot on; }
        }
    };
}

sub wait_for {
    my ($what, $cond) = @_;
    my $until = time + 15;
    while (time < $until) {
        return 1 if $cond->();
        sleep 0.2;
    }
    return 0;
}

# --- nginx -t never touches the database
{
    my $ng = HsTest->new(modules => ['users_info'], workers => 2, http => conf('sqlite://%%DATA%%/hs.db'));
    my ($rc, $out) = $ng->test_config;
    is $rc, 0, 'nginx -t passes' or diag $out;
    ok !-e $ng->data_dir . '/hs.db', 'nginx -t created no database file';

    # two workers start at once: each migration applied exactly once
    $ng->start;
    is $ng->post($U, json => { email => 'a@example.com', display_name => 'A' })->{status}, 201,
        'served after the workers migrated';
    my $st = `$HSCTL migrate -c @{[ $ng->conf_file ]} --status 2>&1`;
    is $? >> 8, 0, 'hsctl migrate --status';
    like $st, qr/^users_info\s+0001\s+0001_init\.sql\s+applied\s+\d{4}-/m, 'the migration is applied';
    is scalar(() = $st =~ /^users_info/mg), 1, 'once';
    my $applied = () = $ng->error_log =~ /migration users_info\/sqlite\/0001_init\.sql applied/g;
    is $applied, 1, 'by one of the two workers';
    my $h = $ng->get('/health')->{json};
    is $h->{database_ready}, JSON::PP::true, '/health: database ready';
    $ng->stop;

    # a changed migration: the error names it, the module answers 503
    open my $fh, '>>', "$mig/users_info/sqlite/0001_init.sql" or die;
    print $fh "-- edited after it was applied\n";
    close $fh;
    $ng->start;
    my $r = $ng->get($U);
    HsTest::problem_ok($r, 503, 'service_unavailable', 'a changed migration: 503');
    like $r->{json}{detail}, qr/migrations pending/, 'says why';
    like $ng->error_log, qr/\[error\].*migration users_info 0001: .*0001_init\.sql.* changed/,
        'the error log names the changed file';
    $h = $ng->get('/health');
    is $h->{status}, 503, '/health is 503';
    is $h->{json}{database_ready}, JSON::PP::false, '/health: database not ready';
    is $ng->get('/healthz')->{status}, 200, 'liveness is unaffected';

    $st = `$HSCTL migrate -c @{[ $ng->conf_file ]} 2>&1`;
    isnt $? >> 8, 0, 'hsctl migrate refuses too';
    like $st, qr/changed/, 'with the same reason';

    # restored: service resumes by itself
    copy("$FindBin::Bin/../migrations/users_info/sqlite/0001_init.sql", "$mig/users_info/sqlite/") or die;
    ok wait_for('recovery', sub { $ng->get($U)->{status} == 200 }), 'service resumes once the file is restored';
    $ng->check_log(allow => [qr/migration users_info 0001: .*changed/]);
    $ng->stop;
}

# --- PostgreSQL goes down and comes back
SKIP: {
    my ($pgurl, $pgdir) = HsTest::private_pg();
    skip 'HS_TEST_PG_URL not set', 9 unless $pgurl;
    my $pg = "$FindBin::Bin/lib/pg.sh";
    my $ng = HsTest->new(modules => ['users_info'], workers => 1, http => conf($pgurl));
    $ng->start;

    is $ng->get("$U?limit=1")->{status}, 200, 'PostgreSQL: served';

    system("$pg down $pgdir >/dev/null 2>&1") == 0 or die 'pg down';
    my $t0 = time;
    my $r = $ng->get("$U?limit=1", timeout => 20);
    my $took = time - $t0;
    HsTest::problem_ok($r, 503, 'service_unavailable', 'database down: 503');
    like $r->{json}{detail}, qr/database is unavailable/, 'says the database is unavailable';
    note sprintf('answered in %.2f s', $took);
    is $ng->get('/healthz')->{status}, 200, 'the worker stays responsive';

    system("$pg up $pgdir >/dev/null 2>&1") == 0 or die 'pg up';
    ok wait_for('recovery', sub { $ng->get("$U?limit=1")->{status} == 200 }),
        'service resumes by itself when the database is back';
    is $ng->post($U, json => { email => 'back@example.com', display_name => 'Back' })->{status}, 201,
        'writes work again';
    $ng->delete("$U/" . $ng->get("$U?\$filter=email%20eq%20'back\@example.com'")->{json}{items}[0]{id});

    $ng->check_log(allow => [qr/users_info: .*(connection|terminat|server closed|could not connect)/i,
                             qr/hyperspot: .*database/]);
    $ng->stop;
}

done_testing;
