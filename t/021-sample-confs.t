# The sample configurations in conf/ pass "nginx -t" with the modules that
# ./build.sh run loads, and the YAML sample configures every module.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use File::Temp qw(tempdir);
use HsTest;

my @mods = qw(calculator calculator_alt calculator_gateway users_info tenants access audit
              types_registry);
plan skip_all => 'modules not built' unless HsTest::have_modules(@mods);

my $repo = "$FindBin::Bin/..";
my $load = join '', map { 'load_module ' . HsTest::module_file($_) . ";\n" }
    ('ngx_http_hyperspot_module', map { "ngx_http_hs_${_}_module" } @mods);

# build.sh loads the same modules
my $build = HsTest::_slurp("$repo/build.sh");
for my $m (@mods) {
    like $build, qr/ngx_http_hs_${m}_module/, "./build.sh run loads $m";
}

for my $conf ('nginx.conf', 'nginx-postgres.conf') {
    my $p = tempdir(CLEANUP => 1);
    mkdir "$p/$_" for qw(conf logs data tmp);
    my $text = HsTest::_slurp("$repo/conf/$conf");
    $text =~ s/\@LOAD_MODULES\@/$load/g;
    $text =~ s/\@USER\@/$> == 0 ? 'user nobody nogroup;' : ''/ge;
    $text =~ s/\@PREFIX\@/$p/g;
    $text =~ s/\@LISTEN\@/127.0.0.1:1/g;
    open my $f, '>', "$p/conf/nginx.conf" or die;
    print $f $text;
    close $f;
    system("cp $repo/conf/hyperspot.yaml $p/conf/hyperspot.yaml") == 0 or die;

    my $out = `@{[ HsTest::tool_env() . HsTest::nginx_bin() ]} -t -p $p -c $p/conf/nginx.conf 2>&1`;
    is $?, 0, "conf/$conf passes nginx -t" or diag $out;
    like $out, qr/development setting/, "conf/$conf: development mode is announced"
        if $conf eq 'nginx.conf';
    unlike $out, qr/\[emerg\]|\[alert\]/, "conf/$conf: no emerg or alert";
    ok !-e "$p/data/hyperspot.db", "conf/$conf: nginx -t created no database";
}

done_testing;
