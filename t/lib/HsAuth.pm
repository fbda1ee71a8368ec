package HsAuth;

=head1 NAME

HsAuth - test keys and JWTs for the HyperSpot integration tests

=head1 SYNOPSIS

    use HsAuth;
    my $keys = HsAuth->new;                 # fresh keys in a temp dir
    my $jwks = $keys->jwks_file;            # for hyperspot_jwks_file
    my $tok  = $keys->token(sub => $s, tenants => [$t], roles => ['admin']);
    my @many = $keys->mint({ claims => {...}, alg => 'ES256', key => 'ec1' },
                           ...);
    $ng->get($path, headers => HsAuth::bearer($tok));

Tokens are minted by t/lib/mint_jwt.py with Debian's PyJWT, an
implementation independent of HyperSpot's. token() fills exp (now + 1 h),
iat and the given claims; mint() takes raw specs (see mint_jwt.py).

=cut

use strict;
use warnings;
use File::Temp qw(tempdir);
use File::Basename qw(dirname);
use File::Spec;
use IPC::Open2;
use JSON::PP;

my $MINT = File::Spec->rel2abs(dirname(__FILE__)) . '/mint_jwt.py';
my $PY = -x '/usr/bin/python3' ? '/usr/bin/python3' : 'python3';
my $JSON = JSON::PP->new->utf8->canonical;

sub available {
    return system("$PY -c 'import jwt, cryptography' >/dev/null 2>&1") == 0;
}

sub new {
    my ($class) = @_;
    my $dir = tempdir(CLEANUP => 1);
    chmod 0755, $dir;
    system($PY, $MINT, 'keys', $dir) == 0 or die "HsAuth: mint_jwt.py keys failed\n";
    chmod 0644, glob("$dir/*");
    return bless { dir => $dir }, $class;
}

sub dir        { $_[0]{dir} }
sub jwks_file  { "$_[0]{dir}/jwks.json" }
sub jwks2_file { "$_[0]{dir}/jwks2.json" }

# One token per spec, in one run of the minter.
sub mint {
    my ($self, @specs) = @_;
    my $pid = open2(my $out, my $in, $PY, $MINT, 'tokens', $self->{dir});
    print $in $JSON->encode($_), "\n" for @specs;
    close $in;
    my @tokens = map { chomp; $_ } <$out>;
    waitpid $pid, 0;
    die "HsAuth: mint_jwt.py tokens failed\n" if $? || @tokens != @specs;
    return wantarray ? @tokens : $tokens[0];
}

# The claims of a well-formed token: sub, tenants, exp, iat, and more.
sub claims {
    my (%c) = @_;
    my $now = time;
    my %claims = (iat => $now, exp => $now + 3600, %c);
    delete $claims{$_} for grep { !defined $claims{$_} } keys %claims;
    return \%claims;
}

sub token {
    my ($self, %c) = @_;
    my $alg = delete $c{alg} // 'RS256';
    my $key = delete $c{key} // ($alg =~ /^ES/ ? 'ec1' : $alg =~ /^HS/ ? 'hs1' : 'rsa1');
    return $self->mint({ claims => claims(%c), alg => $alg, key => $key });
}

sub bearer { return { Authorization => "Bearer $_[0]" } }

1;
