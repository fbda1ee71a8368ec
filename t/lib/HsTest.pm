package HsTest;

=head1 NAME

HsTest - tiny integration-test harness for the HyperSpot nginx modules

=head1 SYNOPSIS

    use FindBin; use lib "$FindBin::Bin/lib";
    use Test::More;
    use HsTest;

    my $ng = HsTest->new(
        modules => ['calculator'],
        http    => q{
            server {
                listen 127.0.0.1:%%PORT%%;
                location / { return 200 "hello\n"; }
            }
        },
    );
    $ng->start;
    my $res = $ng->get('/');
    is $res->{status}, 200;
    $ng->check_log;
    $ng->stop;
    done_testing;

=head1 DESCRIPTION

Every instance gets its own prefix directory (a File::Temp tempdir,
removed at exit unless C<$ENV{HS_KEEP}> is set) containing

    conf/nginx.conf        generated configuration
    conf/hyperspot.yaml    only if the 'yaml' option is given
    logs/                  error.log, access.log, nginx.pid, cmd-N.out
    tmp/                   nginx temp paths
    data/                  scratch directory for modules (%%DATA%%)

=head2 Environment

    HS_MODULES_DIR  directory with the .so files (default <repo>/build/modules)
    HS_NGINX        nginx binary (default /usr/sbin/nginx)
    HS_KEEP         keep the prefix directory (its path is printed with diag)
    HS_TEST_CORES   a directory where crashing workers dump core
    HS_TEST_PRELOAD sanitizer runtime to LD_PRELOAD into nginx (for modules
                    built with AddressSanitizer); reports in tmp/asan.* and
                    tmp/ubsan.* count as fatal in check_log

=head2 Constructor options

    http       => text placed inside http { }
    main       => text placed at top level (thread_pool, env, ...)
    modules    => [ 'calculator', ... ]  HyperSpot module short names
                  (loaded as ngx_http_hs_<name>_module.so after the core)
    core       => 0 to not load ngx_http_hyperspot_module.so (default 1)
    load_order => [ 'ngx_http_hs_x_module', 'ngx_http_hyperspot_module' ]
                  explicit list of .so basenames; overrides core/modules
    workers    => worker_processes (default 1)
    yaml       => text written to PREFIX/conf/hyperspot.yaml
    env        => { NAME => VALUE }  environment of the nginx master
                  (undef VALUE removes the variable)
    files      => { 'rel/path' => 'content' }  extra files under PREFIX
                  (written verbatim, no placeholder expansion)

Placeholders expanded in http, main and yaml: %%PORT%%, %%PORT2%% (free
loopback TCP ports), %%PREFIX%%, %%YAML%%, %%DATA%%.

When running as root, C<user nobody nogroup;> is added and data/ and
tmp/ are chowned to nobody:nogroup.

=head2 Methods

    $ng->test_config            -> ($exit_code, $output)   nginx -t
    $ng->start(wait_workers => 1)   dies (with error.log tail) on failure
    $ng->stop(timeout => 10)    -> true if the master exited on QUIT
    $ng->reload(timeout => 10)  HUP + wait until all workers are new; dies on timeout
    $ng->update(%opt)           change http/main/yaml/files/workers/... and
                                rewrite the files (follow with reload)
    $ng->master_pid, $ng->worker_pids (sorted list)
    $ng->request($method, $path, headers => {}, body => '', json => $ref,
                 port => $port, timeout => 10)
        -> { status, reason, headers, content, json }
    $ng->get($path, %o), $ng->post($path, %o), $ng->put, $ng->patch, $ng->delete
    $ng->raw_request($bytes, port => $port, timeout => 10, shutdown => 0)
        -> response string (read until EOF or timeout)
    $ng->error_log              -> whole error.log text
    $ng->log_problems(allow => [qr//]) -> offending error.log lines
    $ng->check_log(allow => [qr//], name => '')  two Test::More ok()s
    $ng->port, port2, prefix, conf_file, yaml_file, data_dir, url($path)
    $ng->expand($text)          placeholder expansion

    HsTest::problem_ok($res, $status, $code, $name)  one subtest
    HsTest::have_modules(@names) -> true if all module .so files exist

=cut

use strict;
use warnings;

use Cwd qw(abs_path);
use File::Basename qw(dirname);
use File::Path qw(make_path);
use File::Temp qw(tempdir);
use HTTP::Tiny;
use IO::Select;
use IO::Socket::INET;
use JSON::PP;
use POSIX qw(WNOHANG);
use Scalar::Util qw(weaken);
use Test::More ();
use Time::HiRes qw(sleep time);
use B ();

our $VERSION = '0.01';

my $REPO = abs_path(dirname(abs_path(__FILE__)) . '/../..');

my %LIVE;    # refaddr => weakened instance, for the END cleanup

sub modules_dir { $ENV{HS_MODULES_DIR} // "$REPO/build/modules" }
sub nginx_bin   { $ENV{HS_NGINX}       // '/usr/sbin/nginx' }

sub module_file {
    my ($name) = @_;    # short name, or a full basename like ngx_http_x_module
    my $base = $name =~ /^ngx_/ ? $name : "ngx_http_hs_${name}_module";
    return modules_dir() . "/$base.so";
}

# A shell prefix for running our own tools (hsctl) on the modules under
# test: with sanitized modules, the sanitizer runtime must come first.
sub tool_env {
    return '' unless $ENV{HS_TEST_PRELOAD};
    return "LD_PRELOAD=$ENV{HS_TEST_PRELOAD} "
         . "ASAN_OPTIONS=detect_leaks=0:detect_odr_violation=0 ";
}

sub have_modules {
    my @names = @_;
    return !grep { !-f module_file($_) } ('ngx_http_hyperspot_module', @names);
}

sub _free_ports {
    my ($n) = @_;
    my @socks = map {
        IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
                              Proto => 'tcp', ReuseAddr => 0)
            or die "cannot bind 127.0.0.1:0: $!";
    } 1 .. $n;
    my @ports = map { $_->sockport } @socks;
    close $_ for @socks;
    return @ports;
}

sub new {
    my ($class, %opt) = @_;
    my $self = bless {
        core    => 1,
        modules => [],
        workers => 1,
        http    => '',
        main    => '',
        env     => {},
        files   => {},
        %opt,
        owner   => $$,
        running => 0,
        runs    => 0,
    }, $class;

    my $keep = $ENV{HS_KEEP};
    $self->{prefix} = tempdir('hs-test-XXXXXX', TMPDIR => 1, CLEANUP => !$keep);
    Test::More::diag("HsTest prefix: $self->{prefix}") if $keep;
    ($self->{port}, $self->{port2}) = _free_ports(2);

    my $p = $self->{prefix};
    for my $d ($p, map { "$p/$_" } qw(conf logs tmp data)) {
        make_path($d);
        chmod 0755, $d or die "chmod $d: $!";
    }
    if ($> == 0) {
        my $uid = getpwnam('nobody') // 65534;
        my $gid = getgrnam('nogroup') // getgrnam('nobody') // 65534;
        chown $uid, $gid, "$p/data", "$p/tmp" or die "chown: $!";
    }

    $self->_write_files;
    $LIVE{0 + $self} = $self;
    weaken($LIVE{0 + $self});
    return $self;
}

# Accessors.
sub prefix    { $_[0]{prefix} }
sub port      { $_[0]{port} }
sub port2     { $_[0]{port2} }
sub conf_file { "$_[0]{prefix}/conf/nginx.conf" }
sub yaml_file { "$_[0]{prefix}/conf/hyperspot.yaml" }
sub data_dir  { "$_[0]{prefix}/data" }
sub pid_file  { "$_[0]{prefix}/logs/nginx.pid" }
sub log_file  { "$_[0]{prefix}/logs/error.log" }
sub url       { my ($s, $path, $port) = @_; "http://127.0.0.1:" . ($port // $s->{port}) . ($path // '/') }

sub expand {
    my ($self, $text) = @_;
    my %v = (
        PORT   => $self->{port},
        PORT2  => $self->{port2},
        PREFIX => $self->{prefix},
        YAML   => $self->yaml_file,
        DATA   => $self->data_dir,
    );
    $text =~ s/%%(PORT2?|PREFIX|YAML|DATA)%%/$v{$1}/g;
    return $text;
}

sub update {
    my ($self, %opt) = @_;
    @$self{keys %opt} = values %opt;
    $self->_write_files;
    return $self;
}

sub _spew {
    my ($file, $content, $mode) = @_;
    make_path(dirname($file), { mode => 0755 });
    open my $fh, '>', $file or die "cannot write $file: $!";
    binmode $fh;
    print {$fh} $content;
    close $fh or die "close $file: $!";
    chmod $mode // 0644, $file;
}

sub _load_order {
    my ($self) = @_;
    return @{ $self->{load_order} } if $self->{load_order};
    return (($self->{core} ? ('ngx_http_hyperspot_module') : ()),
            map { "ngx_http_hs_${_}_module" } @{ $self->{modules} });
}

sub _write_files {
    my ($self) = @_;
    my $p = $self->{prefix};

    while (my ($rel, $content) = each %{ $self->{files} }) {
        _spew("$p/$rel", $content);
    }
    _spew($self->yaml_file, $self->expand($self->{yaml})) if defined $self->{yaml};

    my $load = join '', map { "load_module " . module_file($_) . ";\n" } $self->_load_order;
    my $user = $> == 0 ? "user nobody nogroup;\n" : '';
    my $main = $self->expand($self->{main} // '');
    # HS_TEST_CORES=DIR: workers that crash leave a core dump there
    $main .= "\nworker_rlimit_core 1g;\nworking_directory $ENV{HS_TEST_CORES};\n"
        if $ENV{HS_TEST_CORES};
    my $http = $self->expand($self->{http} // '');

    _spew($self->conf_file, <<"CONF");
# generated by HsTest
${load}${user}daemon on;
master_process on;
worker_processes $self->{workers};
pid $p/logs/nginx.pid;
lock_file $p/logs/nginx.lock;
error_log $p/logs/error.log info;

$main

events {
    worker_connections 1024;
}

http {
    access_log $p/logs/access.log;
    client_body_temp_path $p/tmp/body;
    proxy_temp_path $p/tmp/proxy;
    fastcgi_temp_path $p/tmp/fastcgi;
    uwsgi_temp_path $p/tmp/uwsgi;
    scgi_temp_path $p/tmp/scgi;

$http
}
CONF
}

# Run nginx with the given extra arguments; stdout+stderr go to a file
# (not a pipe: the daemon inherits stderr until it opens its error log).
sub _run_nginx {
    my ($self, @args) = @_;
    my $out = "$self->{prefix}/logs/cmd-" . ++$self->{runs} . ".out";
    my @cmd = (nginx_bin(), '-p', "$self->{prefix}/", '-c', $self->conf_file, @args);
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        open STDIN, '<', '/dev/null';
        open STDOUT, '>', $out or POSIX::_exit(127);
        open STDERR, '>&', \*STDOUT or POSIX::_exit(127);
        while (my ($k, $v) = each %{ $self->{env} }) {
            if (defined $v) { $ENV{$k} = $v } else { delete $ENV{$k} }
        }
        if ($ENV{HS_TEST_PRELOAD}) {
            # sanitized modules in an uninstrumented nginx: the runtime
            # comes first; reports go where the workers may write. Every
            # nginx dynamic module defines ngx_modules & co. (read with
            # dlsym per handle), hence no ODR check; nginx does not free
            # its pools at exit, hence no leak check.
            $ENV{LD_PRELOAD} = $ENV{HS_TEST_PRELOAD};
            $ENV{ASAN_OPTIONS} = "detect_leaks=0:detect_odr_violation=0:"
                               . "abort_on_error=1:"
                               . "log_path=$self->{prefix}/tmp/asan";
            $ENV{UBSAN_OPTIONS} = "print_stacktrace=1:halt_on_error=1:"
                                . "log_path=$self->{prefix}/tmp/ubsan";
        }
        { no warnings "exec"; exec { $cmd[0] } @cmd; }
        print STDERR "exec $cmd[0] failed: $!\n";
        POSIX::_exit(127);
    }
    waitpid($pid, 0);
    my $st = $?;
    my $rc = $st & 127 ? 128 + ($st & 127) : $st >> 8;
    return ($rc, _slurp($out) // '');
}

sub _slurp {
    my ($file) = @_;
    open my $fh, '<', $file or return undef;
    local $/;
    my $s = <$fh>;
    return $s;
}

sub test_config {
    my ($self) = @_;
    return $self->_run_nginx('-t');
}

sub error_log { _slurp($_[0]->log_file) // '' }

sub _log_tail {
    my ($self, $n) = @_;
    my @l = split /\n/, $self->error_log;
    @l = @l[-$n .. -1] if @l > $n;
    return join "\n", @l;
}

# --- process helpers ---------------------------------------------------

# [ppid, state] from /proc/PID/stat, or empty list if gone.
sub _stat {
    my ($pid) = @_;
    my $s = _slurp("/proc/$pid/stat") // return;
    $s = substr $s, rindex($s, ')') + 2;    # comm may contain spaces
    my ($state, $ppid) = split ' ', $s;
    return ($ppid, $state);
}

sub _alive {
    my ($pid) = @_;
    return 0 unless $pid;
    my (undef, $state) = _stat($pid);
    return defined $state && $state ne 'Z' && $state ne 'X';
}

sub _wait_until {
    my ($cond, $timeout) = @_;
    my $end = time + $timeout;
    while (1) {
        return 1 if $cond->();
        return 0 if time > $end;
        sleep 0.05;
    }
}

sub _read_pid {
    my ($self) = @_;
    my $s = _slurp($self->pid_file) // return;
    return $s =~ /^(\d+)/ ? $1 : undef;
}

sub master_pid {
    my ($self) = @_;
    return $self->{master_pid} // $self->_read_pid;
}

sub worker_pids {
    my ($self) = @_;
    my $m = $self->master_pid or return ();
    my @pids;
    opendir my $dh, '/proc' or return ();
    for my $pid (grep { /^\d+$/ } readdir $dh) {
        my ($ppid, $state) = _stat($pid);
        push @pids, $pid if defined $ppid && $ppid == $m && $state ne 'Z' && $state ne 'X';
    }
    @pids = sort { $a <=> $b } @pids;
    return wantarray ? @pids : scalar @pids;    # count in scalar context
}

sub _ports_to_wait {
    my ($self) = @_;
    my $text = join "\n", $self->{http} // '', $self->{main} // '';
    my @p;
    push @p, $self->{port}  if $text =~ /%%PORT%%/;
    push @p, $self->{port2} if $text =~ /%%PORT2%%/;
    return @p;
}

sub _port_open {
    my ($port) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
                                  Proto => 'tcp', Timeout => 1);
    return 0 unless $s;
    close $s;
    return 1;
}

sub start {
    my ($self, %o) = @_;
    die "HsTest: already running\n" if $self->{running};
    my $timeout = $o{timeout} // 10;
    unlink $self->pid_file;
    delete $self->{master_pid};

    my ($rc, $out) = $self->_run_nginx;
    die "HsTest: nginx start failed (exit $rc):\n$out\n--- error.log tail:\n"
        . $self->_log_tail(30) . "\n" if $rc != 0;

    my $pid;
    _wait_until(sub { $pid = $self->_read_pid }, $timeout)
        or die "HsTest: no pid file after ${timeout}s\n$out\n--- error.log tail:\n"
             . $self->_log_tail(30) . "\n";
    $self->{master_pid} = $pid;
    $self->{running}    = 1;

    my @ports = $self->_ports_to_wait;
    my %pending = map { $_ => 1 } @ports;
    my $up = _wait_until(sub {
        die "HsTest: nginx master $pid died\n--- error.log tail:\n" . $self->_log_tail(30) . "\n"
            unless _alive($pid);
        _port_open($_) and delete $pending{$_} for keys %pending;   # probe each port once
        return 0 if %pending;
        return 1 if defined $o{wait_workers} && !$o{wait_workers};
        my @w = $self->worker_pids;
        return @w >= $self->{workers};
    }, $timeout);
    if (!$up) {
        my $tail = $self->_log_tail(30);
        $self->stop;
        die "HsTest: nginx did not come up within ${timeout}s (ports: @ports)\n"
            . "--- error.log tail:\n$tail\n";
    }
    return $self;
}

sub stop {
    my ($self, %o) = @_;
    return 1 unless $self->{running} && $$ == $self->{owner};
    my $timeout = $o{timeout} // 10;
    my $pid     = $self->{master_pid};
    my @workers = $self->worker_pids;

    kill 'QUIT', $pid;
    my $ok = _wait_until(sub { !_alive($pid) }, $timeout);
    if (!$ok) {
        kill 'TERM', $pid;
        _wait_until(sub { !_alive($pid) }, 2) or kill 'KILL', $pid;
        _wait_until(sub { !_alive($pid) }, 2);
    }
    # workers normally exit before the master; make sure of it
    for my $w (@workers) {
        next unless _alive($w);
        my $comm = _slurp("/proc/$w/comm") // '';
        kill 'KILL', $w if $comm =~ /nginx/;
    }
    $self->{running} = 0;
    delete $self->{master_pid};
    return $ok;
}

sub reload {
    my ($self, %o) = @_;
    die "HsTest: not running\n" unless $self->{running};
    my $timeout = $o{timeout} // 10;
    my %old = map { $_ => 1 } $self->worker_pids;
    kill 'HUP', $self->{master_pid} or die "HsTest: kill HUP: $!\n";
    _wait_until(sub {
        my @now = $self->worker_pids;
        return @now >= $self->{workers} && !grep { $old{$_} } @now;
    }, $timeout) or die "HsTest: workers not replaced within ${timeout}s after HUP\n"
        . "--- error.log tail:\n" . $self->_log_tail(30) . "\n";
    return $self;
}

sub DESTROY {
    my ($self) = @_;
    local ($?, $@, $!);
    eval { $self->stop };
}

END {
    local ($?, $@, $!);
    for my $ng (grep { defined } values %LIVE) {
        eval { $ng->stop };
    }
}

# --- PostgreSQL -------------------------------------------------------------

# A PostgreSQL server of the caller's own (t/lib/pg.sh), for tests that stop
# and start it: the shared one (HS_TEST_PG_URL) serves tests running at the
# same time. Returns ($url, $dir), or () when PostgreSQL is not in use;
# stopped and removed at exit.
my @PRIVATE_PG;
sub private_pg {
    return () unless $ENV{HS_TEST_PG_URL};
    my $dir = File::Temp::tempdir('hs-pg-XXXXXX', TMPDIR => 1, CLEANUP => 0);
    rmdir $dir;
    my $url = `$REPO/t/lib/pg.sh start $dir`;
    die "HsTest: cannot start a private PostgreSQL server\n" if $? || !$url;
    chomp $url;
    push @PRIVATE_PG, $dir;
    return ($url, $dir);
}

END {
    system("$REPO/t/lib/pg.sh stop $_ >/dev/null 2>&1") for @PRIVATE_PG;
}

# --- HTTP ----------------------------------------------------------------

my $JSON = JSON::PP->new->utf8->canonical->allow_nonref;

sub request {
    my ($self, $method, $path, %o) = @_;
    my %h = %{ $o{headers} // {} };
    my $content = $o{body};
    if (exists $o{json}) {
        $content = $JSON->encode($o{json});
        $h{'Content-Type'} = 'application/json'
            unless grep { lc $_ eq 'content-type' } keys %h;
    }
    my $http = HTTP::Tiny->new(keep_alive => 0, max_redirect => 0,
                               timeout => $o{timeout} // 10, agent => 'HsTest/1.0');
    my $r = $http->request($method, $self->url($path, $o{port}), {
        headers => \%h,
        (defined $content ? (content => $content) : ()),
    });
    my $res = {
        status  => $r->{status},
        reason  => $r->{reason},
        headers => $r->{headers} // {},
        content => $r->{content} // '',
        json    => undef,
    };
    my $ct = $res->{headers}{'content-type'} // '';
    $ct = join ',', @$ct if ref $ct;
    if ($ct =~ m{^\s*application/(?:problem\+)?json\s*(?:;|$)}i) {
        $res->{json} = eval { $JSON->decode($res->{content}) };
    }
    return $res;
}

sub get    { my $s = shift; $s->request('GET',    @_) }
sub post   { my $s = shift; $s->request('POST',   @_) }
sub put    { my $s = shift; $s->request('PUT',    @_) }
sub patch  { my $s = shift; $s->request('PATCH',  @_) }
sub delete { my $s = shift; $s->request('DELETE', @_) }

sub raw_request {
    my ($self, $bytes, %o) = @_;
    my $timeout = $o{timeout} // 10;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $o{port} // $self->{port},
                                  Proto => 'tcp', Timeout => $timeout)
        or die "HsTest: raw_request connect: $!\n";
    binmode $s;
    local $SIG{PIPE} = 'IGNORE';
    syswrite($s, $bytes) // ();    # server may close early on garbage
    shutdown($s, 1) if $o{shutdown};
    my $sel = IO::Select->new($s);
    my $buf = '';
    my $end = time + $timeout;
    while ((my $left = $end - time) > 0) {
        last unless $sel->can_read($left);
        my $n = sysread($s, $buf, 65536, length $buf);
        last unless $n;    # EOF or error (e.g. reset)
    }
    close $s;
    return $buf;
}

# --- log checks ----------------------------------------------------------

sub log_problems {
    my ($self, %o) = @_;
    my @allow = @{ $o{allow} // [] };
    my (@fatal, @errors);
    for my $report (glob("$self->{prefix}/tmp/asan.* $self->{prefix}/tmp/ubsan.*")) {
        push @fatal, "sanitizer report $report:\n" . (_slurp($report) // '');
    }
    for my $line (split /\n/, $self->error_log) {
        next if grep { $line =~ $_ } @allow;
        if    ($line =~ /\[(?:alert|emerg|crit)\]/) { push @fatal,  $line }
        elsif ($line =~ /\[error\]/)                { push @errors, $line }
    }
    return wantarray ? (@fatal, @errors) : { fatal => \@fatal, error => \@errors };
}

sub check_log {
    my ($self, %o) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $p    = $self->log_problems(%o);
    my $name = defined $o{name} ? "$o{name}: " : '';
    Test::More::ok(!@{ $p->{fatal} }, "${name}no [alert]/[emerg]/[crit] in error.log")
        or Test::More::diag(join "\n", @{ $p->{fatal} });
    Test::More::ok(!@{ $p->{error} }, "${name}no unexpected [error] in error.log")
        or Test::More::diag(join "\n", @{ $p->{error} });
}

# --- RFC 9457 problem assertion -------------------------------------------

sub _is_json_string {
    my ($v) = @_;
    return 0 if !defined $v || ref $v;
    my $f = B::svref_2object(\$v)->FLAGS;
    return ($f & B::SVp_POK()) && !($f & (B::SVp_IOK() | B::SVp_NOK()));
}

sub problem_ok {
    my ($res, $status, $code, $name) = @_;
    $name //= "problem $status" . (defined $code ? " $code" : '');
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    Test::More::subtest($name => sub {
        Test::More::is($res->{status}, $status, 'HTTP status');
        my $ct = $res->{headers}{'content-type'} // '';
        $ct = join ',', @$ct if ref $ct;
        Test::More::like($ct, qr{^application/problem\+json}i, 'content-type');
        my $j = $res->{json};
        unless (Test::More::ok(ref $j eq 'HASH', 'body is a JSON object')) {
            Test::More::diag("body: $res->{content}");
            return;
        }
        for my $f (qw(type title detail instance)) {
            Test::More::ok(_is_json_string($j->{$f}), "'$f' is a string")
                or Test::More::diag("$f: " . ($JSON->encode($j->{$f})));
        }
        my $st = $j->{status};
        Test::More::ok(defined $st && !ref $st && !_is_json_string($st) && $st == $status,
                       "'status' is the number $status")
            or Test::More::diag('status: ' . $JSON->encode($st));
        Test::More::is($j->{code}, $code, "'code' is $code") if defined $code;
        my $rid = $res->{headers}{'x-request-id'};
        Test::More::ok(defined $rid && length $rid, 'X-Request-Id header present');
        Test::More::is($j->{trace_id}, $rid, "'trace_id' equals X-Request-Id");
    });
}

1;
