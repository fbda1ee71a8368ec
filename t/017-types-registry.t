# types_registry on SQLite and on PostgreSQL: HyperSpot's
# /types-registry/v1 API and the GTS operations API (under /gts) over one
# registry; validation rules with problems that name the entity and the
# rule; idempotent registration and 409 conflicts; state unchanged after
# every refusal; two workers that see each other's registrations on the
# next request; persistence across a reload and a restart.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use JSON::PP;
use HsTest;

plan skip_all => 'modules not built' unless HsTest::have_modules(qw(types_registry));

my $T1 = 'aaaaaaaa-0000-4000-8000-000000000001';
my $D7 = 'http://json-schema.org/draft-07/schema#';
my $E = '/types-registry/v1/entities';

my @dbs = (['sqlite', 'sqlite://%%DATA%%/hs.db']);
push @dbs, ['postgres', $ENV{HS_TEST_PG_URL}] if $ENV{HS_TEST_PG_URL};
diag 'HS_TEST_PG_URL is not set: PostgreSQL part skipped' unless $ENV{HS_TEST_PG_URL};

for my $db (@dbs) {
    my ($kind, $url) = @$db;
    note "=== $kind";
    run_suite($kind, $url);
}

done_testing;

sub esc {
    my ($s) = @_;
    $s =~ s/([^A-Za-z0-9._~-])/sprintf('%%%02X', ord $1)/ge;
    return $s;
}

# UUID v5 in the GTS namespace, by Python's uuid (an independent
# implementation): spec 5.1.
sub py_uuid {
    my ($id) = @_;
    my $u = `python3 -c 'import sys, uuid; print(uuid.uuid5(uuid.uuid5(uuid.NAMESPACE_URL, "gts"), sys.argv[1]))' '$id'`;
    chomp $u;
    return $u;
}

sub schema {
    my ($id, %s) = @_;
    return { '$id' => "gts://$id", '$schema' => $D7, type => 'object', %s };
}

sub run_suite {
    my ($kind, $url) = @_;

    # ids of this run: the PostgreSQL database outlives the test
    my $v = 'x';
    my $pkg = 'r' . $$ . 't' . time;
    my $B = "gts.$v.$pkg.ev.base.v1~";
    my $D = "${B}x.$pkg._.derived.v1~";
    my $A = "gts.$v.$pkg.ev.abstract.v1~";
    my $F = "gts.$v.$pkg.ev.final.v1~";
    my $I = "${D}x.$pkg._.one.v1";
    my $R = "gts.$v.$pkg.ev.refs.v1~";

    my $ng = HsTest->new(modules => [qw(types_registry)], workers => 2, http => qq{
        hyperspot_database $url;
        hyperspot_migrations $FindBin::Bin/../migrations;
        server {
            listen 127.0.0.1:%%PORT%%;
            hyperspot_dev_tenant $T1;
            location / {
                hyperspot on;
                hyperspot_check_responses on;
                add_header X-Worker \$pid always;
            }
        }
    });
    $ng->start;

    my $count = sub { $ng->get($E)->{json}{count} };
    my $n0 = $count->();
    ok defined $n0, "$kind: list" or return;

    # --- register in bulk, derived first: passes until all are in
    my $base = schema($B, required => ['id', 'n'],
                      properties => { id => { type => 'string' }, n => { type => 'integer' },
                                      tag => { type => 'string', maxLength => 10 } },
                      description => 'the base type');
    my $derived = schema($D, allOf => [ { '$ref' => "gts://$B" },
                                        { properties => { tag => { type => 'string', maxLength => 5 } } } ]);
    my $abstract = schema($A, 'x-gts-abstract' => JSON::PP::true,
                          properties => { id => { type => 'string' } });
    my $final = schema($F, 'x-gts-final' => JSON::PP::true,
                       properties => { id => { type => 'string' } });
    my $inst = { id => $I, n => 3, tag => 'abc' };
    my @good = ($inst, $derived, $base, $abstract, $final);

    my $r = $ng->post($E, json => { entities => \@good });
    is $r->{status}, 200, "$kind: bulk registration" or diag $r->{content};
    is_deeply $r->{json}{summary}, { total => 5, succeeded => 5, failed => 0 },
        "$kind: in any order";
    is_deeply [ map { $_->{status} } @{ $r->{json}{results} } ], [ ('ok') x 5 ], "$kind: a result each";
    my $dto = $r->{json}{results}[2]{entity};
    is $dto->{gts_id}, $B, "$kind: results in request order";
    is $dto->{id}, py_uuid($B), "$kind: DTO id is the GTS UUID (Python's uuid5)";
    ok $dto->{is_schema} && $dto->{is_type}, "$kind: is_schema and is_type";
    is $dto->{description}, 'the base type', "$kind: description";
    is_deeply $dto->{segments}, [ { vendor => $v, package => $pkg, namespace => 'ev',
                                    type_name => 'base', ver_major => 1 } ], "$kind: segments";
    is_deeply $dto->{content}, $base, "$kind: content as registered";
    is $r->{json}{results}[0]{entity}{is_schema}, JSON::PP::false, "$kind: an instance";
    is scalar @{ $r->{json}{results}[0]{entity}{segments} }, 3, "$kind: three segments";
    is $count->(), $n0 + 5, "$kind: five more";

    # --- idempotent
    $r = $ng->post($E, json => { entities => \@good });
    is_deeply $r->{json}{summary}, { total => 5, succeeded => 5, failed => 0 },
        "$kind: the same content again succeeds";
    is $count->(), $n0 + 5, "$kind: and adds nothing";

    # --- refusals: each a problem naming the id and the rule; nothing changes
    my @refused = (
        [ 'other content under a registered id', 409, 'conflict',
          { %$base, description => 'changed' }, qr/\Q$B\E is already registered with different content/ ],
        [ 'an instance of an unknown type', 422, 'validation_failed',
          { id => "gts.$v.$pkg.ev.nothing.v1~x.$pkg._.i.v1" }, qr/nothing\.v1~ is not registered/ ],
        [ 'an instance of an abstract type', 422, 'validation_failed',
          { id => "${A}x.$pkg._.i.v1" }, qr/\Q$A\E is abstract \(x-gts-abstract\)/ ],
        [ 'a type extending a final type', 422, 'validation_failed',
          schema("${F}x.$pkg._.sub.v1~", allOf => [ { '$ref' => "gts://$F" } ]),
          qr/\Q${F}x.$pkg._.sub.v1~\E: its base type \Q$F\E is final \(x-gts-final\)/ ],
        [ 'a broken x-gts-ref', 422, 'validation_failed',
          schema($R, properties => { t => { type => 'string', 'x-gts-ref' => '/properties/nowhere' } }),
          qr/x-gts-ref/ ],
        [ 'a $ref to an unregistered type', 422, 'validation_failed',
          schema("gts.$v.$pkg.ev.dangling.v1~", allOf => [ { '$ref' => "gts://gts.$v.$pkg.ev.ghost.v1~" } ]),
          qr/ghost\.v1~/ ],
        [ 'an invalid instance', 422, 'validation_failed',
          { id => "${D}x.$pkg._.two.v1", n => 'three' }, qr{/n: must be an integer} ],
        [ 'a derived type that loosens its base', 422, 'validation_failed',
          schema("${B}x.$pkg._.loose.v1~", allOf => [ { '$ref' => "gts://$B" },
                 { properties => { tag => { type => 'string', maxLength => 50 } } } ]),
          qr/not compatible with its base/ ],
        [ 'a restriction the derived type breaks', 422, 'validation_failed',
          { id => "${D}x.$pkg._.three.v1", n => 1, tag => 'toolong' }, qr{/tag} ],
        [ 'not an object', 422, 'validation_failed', 'gts.x.y.z.w.v1~', qr/not a JSON object/ ],
        [ 'a schema without a GTS $id', 422, 'validation_failed',
          { '$id' => 'https://example.com/s', '$schema' => $D7 }, qr/gts:\/\// ],
    );
    for my $t (@refused) {
        my ($what, $status, $code, $doc, $re) = @$t;
        $r = $ng->post($E, json => { entities => [ $doc ] });
        HsTest::problem_ok($r, $status, $code, "$kind: $what: $status");
        like $r->{json}{detail}, $re, "$kind: $what: the detail names the id and the rule";
        is $r->{json}{errors}[0]{field}, 'entities[0]', "$kind: $what: errors name the entity";
        is $r->{json}{summary}{failed}, 1, "$kind: $what: summary as an extension member";
        is $r->{json}{results}[0]{status}, 'error', "$kind: $what: results too";
    }
    is $count->(), $n0 + 5, "$kind: nothing was added by the refusals";
    $r = $ng->get("$E/" . esc($B));
    is_deeply $r->{json}{content}, $base, "$kind: the conflicting registration changed nothing";
    for my $id ("${A}x.$pkg._.i.v1", "${F}x.$pkg._.sub.v1~", $R, "${D}x.$pkg._.two.v1") {
        HsTest::problem_ok($ng->get("$E/" . esc($id)), 404, 'not_found', "$kind: $id was not stored");
    }

    # several refusals at once: 422 unless all conflict; 409 when all do
    $r = $ng->post($E, json => { entities => [ { %$base, description => 'x' }, { id => "${A}x.$pkg._.j.v1" } ] });
    HsTest::problem_ok($r, 422, 'validation_failed', "$kind: two refusals of two kinds: 422");
    is_deeply [ map { $_->{code} } @{ $r->{json}{errors} } ], [ 'conflict', 'gts_rule' ],
        "$kind: each with its kind";
    $r = $ng->post($E, json => { entities => [ { %$base, description => 'x' }, { %$abstract, title => 'x' } ] });
    HsTest::problem_ok($r, 409, 'conflict', "$kind: two conflicts: 409");

    # some in, some not: 200 with a result each
    my $I2 = "${D}x.$pkg._.four.v1";
    $r = $ng->post($E, json => { entities => [ { id => $I2, n => 4 }, { id => "${A}x.$pkg._.k.v1" } ] });
    is $r->{status}, 200, "$kind: partly registered: 200" or diag $r->{content};
    is_deeply $r->{json}{summary}, { total => 2, succeeded => 1, failed => 1 }, "$kind: summary";
    is $r->{json}{results}[1]{gts_id}, "${A}x.$pkg._.k.v1", "$kind: the refused one's gts_id";
    like $r->{json}{results}[1]{error}, qr/abstract/, "$kind: and its error";

    # malformed requests
    for my $bad ([ 'no entities', {} ], [ 'entities not an array', { entities => {} } ]) {
        HsTest::problem_ok($ng->post($E, json => $bad->[1]), 422, 'validation_failed', "$kind: $bad->[0]");
    }
    HsTest::problem_ok($ng->request('POST', $E, body => '{"entities": [',
                                    headers => { 'Content-Type' => 'application/json' }),
                       400, 'invalid_json', "$kind: not JSON");
    $r = $ng->post($E, json => { entities => [] });
    is_deeply $r->{json}{summary}, { total => 0, succeeded => 0, failed => 0 }, "$kind: an empty batch";
    is $count->(), $n0 + 6, "$kind: only the good one of the mixed batch was added";

    # --- list filters
    my $ids = sub {
        my ($q) = @_;
        my $res = $ng->get("$E?$q");
        return [ 'status', $res->{status}, $res->{content} ] if $res->{status} != 200;
        return [ sort map { $_->{gts_id} } grep { $_->{gts_id} =~ /\Q$pkg\E/ } @{ $res->{json}{entities} } ];
    };
    is_deeply $ids->('pattern=' . esc("gts.$v.$pkg.*")), [ sort $B, $D, $A, $F, $I, $I2 ], "$kind: pattern";
    is_deeply $ids->('pattern=' . esc($B)), [ sort $B, $D, $I, $I2 ], "$kind: a type covers what derives from it";
    is_deeply $ids->('kind=type&pattern=' . esc("gts.$v.$pkg.*")), [ sort $B, $D, $A, $F ], "$kind: kind=type";
    is_deeply $ids->('kind=instance'), [ sort $I, $I2 ], "$kind: kind=instance";
    is_deeply $ids->('is_type=false'), [ sort $I, $I2 ], "$kind: is_type=false";
    is_deeply $ids->('is_schema=true&namespace=ev'), [ sort $B, $D, $A, $F ], "$kind: is_schema (older name)";
    is_deeply $ids->("package=$pkg&namespace=_"), [ sort $D, $I, $I2 ],
        "$kind: package and namespace of any segment";
    is_deeply $ids->("package=$pkg&namespace=_&segment_scope=primary"), [],
        "$kind: segment_scope=primary: the first segment only";
    is_deeply $ids->("vendor=$v&package=$pkg&namespace=ev&segmentScope=primary"), [ sort $B, $D, $A, $F, $I, $I2 ],
        "$kind: segmentScope (api.json's spelling)";
    is_deeply $ids->('vendor=nobody'), [], "$kind: vendor";
    my $all = $ng->get($E)->{json};
    is $all->{count}, scalar @{ $all->{entities} }, "$kind: count is the number returned";
    for my $bad ([ 'pattern=' . esc('gts.x.*.y'), 400, 'bad_request', 'a malformed pattern' ],
                 [ 'kind=both', 422, 'validation_failed', 'an unknown kind' ],
                 [ 'is_type=maybe', 400, 'bad_request', 'is_type not a boolean' ],
                 [ 'kind=type&is_type=false', 400, 'bad_request', 'contradicting filters' ],
                 [ 'colour=red', 400, 'bad_request', 'an unknown parameter' ],
                 [ 'segment_scope=all', 422, 'validation_failed', 'an unknown scope' ]) {
        HsTest::problem_ok($ng->get("$E?$bad->[0]"), $bad->[1], $bad->[2], "$kind: list: $bad->[3]");
    }

    # --- get
    $r = $ng->get("$E/" . esc($I));
    is $r->{status}, 200, "$kind: get an instance";
    is_deeply $r->{json}{content}, $inst, "$kind: its content";
    is $r->{json}{id}, py_uuid($I), "$kind: its uuid";
    HsTest::problem_ok($ng->get("$E/" . esc("gts.$v.$pkg.ev.none.v1~")), 404, 'not_found', "$kind: get: unknown");
    HsTest::problem_ok($ng->get("$E/gts.X.bad"), 400, 'bad_request', "$kind: get: not a GTS id");

    # --- the operations API over the same registry
    ops_suite($ng, $kind, $v, $pkg, $B, $D, $I);

    # --- two workers: what one registers the other serves on the next request
    my (%seen, $missed);
    for my $k (1 .. 12) {
        my $id = "${D}x.$pkg._.w$k.v1";
        my $res = $ng->post($E, json => { entities => [ { id => $id, n => $k } ] });
        $seen{ $res->{headers}{'x-worker'} // '?' }++;
        for (1 .. 3) {
            my $g = $ng->get("$E/" . esc($id));
            $seen{ $g->{headers}{'x-worker'} // '?' }++;
            $missed++ if $g->{status} != 200;
        }
    }
    is scalar(keys %seen), 2, "$kind: both workers answered" or diag explain \%seen;
    ok !$missed, "$kind: every worker saw every registration on the next request";
    my $n1 = $count->();
    is $n1, $n0 + 6 + 5 + 12, "$kind: all of them stored once";

    # --- reload and restart: everything is still there
    $ng->reload;
    is $count->(), $n1, "$kind: after a reload";
    is_deeply $ng->get("$E/" . esc($I))->{json}{content}, $inst, "$kind: content after a reload";
    $r = $ng->post($E, json => { entities => [ { id => "${D}x.$pkg._.after.v1", n => 9 } ] });
    is $r->{json}{summary}{succeeded}, 1, "$kind: registering after a reload";
    $ng->stop;
    $ng->start;
    is $count->(), $n1 + 1, "$kind: after a restart";
    is_deeply $ng->get("$E/" . esc($B))->{json}{content}, $base, "$kind: content after a restart";
    $r = $ng->post($E, json => { entities => \@good });
    is $r->{json}{summary}{succeeded}, 5, "$kind: still idempotent after a restart";
    $r = $ng->post($E, json => { entities => [ { %$base, description => 'changed' } ] });
    HsTest::problem_ok($r, 409, 'conflict', "$kind: still a conflict after a restart");
    $ng->check_log(name => $kind);
    $ng->stop;
}

# The GTS operations API, driven with requests shaped like the examples
# of operations-openapi.json and the specification's conformance suite.
sub ops_suite {
    my ($ng, $kind, $v, $pkg, $B, $D, $I) = @_;
    my $G = '/gts';
    my $r;

    # identifiers (OP#1 - OP#5)
    $r = $ng->get("$G/validate-id?gts_id=" . esc('gts.x.core.events.type.v1~'));
    is_deeply $r->{json}, { id => 'gts.x.core.events.type.v1~', valid => JSON::PP::true,
                            is_wildcard => JSON::PP::false, error => '' }, "$kind: ops: validate-id";
    $r = $ng->get("$G/validate-id?gts_id=" . esc('gts.X.core.events.type.v1~'));
    is $r->{status}, 200, "$kind: ops: validate-id of a bad id: 200";
    ok !$r->{json}{valid} && $r->{json}{error} =~ /vendor/, "$kind: ops: with the reason";
    $r = $ng->get("$G/parse-id?gts_id=" . esc('gts.x.core.events.type.v1~abc.app._.custom_event.v1.2'));
    is $r->{json}{ok}, JSON::PP::true, "$kind: ops: parse-id";
    is_deeply [ map { [ $_->{vendor}, $_->{type}, $_->{ver_major}, $_->{ver_minor} ] } @{ $r->{json}{segments} } ],
        [ [ 'x', 'type', 1, undef ], [ 'abc', 'custom_event', 1, 2 ] ], "$kind: ops: segments";
    $r = $ng->get("$G/uuid?gts_id=" . esc('gts.x.core.events.type.v1~'));
    is $r->{json}{uuid}, py_uuid('gts.x.core.events.type.v1~'), "$kind: ops: uuid (spec 5.1)";
    $r = $ng->get("$G/match-id-pattern?candidate=" . esc('gts.x.core.events.type.v1.1~')
                  . '&pattern=' . esc('gts.x.core.events.*'));
    is $r->{json}{match}, JSON::PP::true, "$kind: ops: match-id-pattern";
    $r = $ng->get("$G/match-id-pattern?candidate=" . esc('gts.x.core2.events.type.v1~')
                  . '&pattern=' . esc('gts.x.core.*'));
    is $r->{json}{match}, JSON::PP::false, "$kind: ops: match by tokens";
    $r = $ng->post("$G/extract-id", json => { '$id' => 'gts://gts.x.a.b.c.v1~d.e.f.g.v1~', '$schema' => $D7 });
    is_deeply [ @{ $r->{json} }{qw(id type_id is_type)} ],
        [ 'gts.x.a.b.c.v1~d.e.f.g.v1~', 'gts.x.a.b.c.v1~', JSON::PP::true ], "$kind: ops: extract-id";
    HsTest::problem_ok($ng->get("$G/validate-id"), 400, 'bad_request', "$kind: ops: a missing parameter");

    # registration without validation, then validation (the suite's way)
    my $F2 = "gts.$v.$pkg.ops.final.v1~";
    my $S2 = "${F2}x.$pkg._.sub.v1~";
    $r = $ng->post("$G/entities", json => schema($F2, 'x-gts-final' => JSON::PP::true));
    is $r->{status}, 200, "$kind: ops: register" or diag $r->{content};
    is_deeply $r->{json}, { ok => JSON::PP::true, id => $F2, type_id => undef, is_type => JSON::PP::true,
                            error => '' }, "$kind: ops: its body";
    $r = $ng->post("$G/entities", json => schema($S2, allOf => [ { '$ref' => "gts://$F2" } ]));
    is $r->{status}, 200, "$kind: ops: a type extending a final one, without validation";
    $r = $ng->post("$G/validate-type-schema", json => { type_id => $S2 });
    is $r->{status}, 200, "$kind: ops: validate-type-schema answers 200";
    ok !$r->{json}{ok} && $r->{json}{error} =~ /final/, "$kind: ops: with ok false and the rule";
    $r = $ng->post("$G/validate-entity", json => { entity_id => $S2 });
    is_deeply [ $r->{json}{ok}, $r->{json}{entity_type} ], [ JSON::PP::false, 'schema' ], "$kind: ops: validate-entity";
    $r = $ng->post("$G/validate-instance", json => { instance_id => $I });
    is_deeply [ $r->{json}{ok}, $r->{json}{id} ], [ JSON::PP::true, $I ], "$kind: ops: validate-instance";
    $r = $ng->post("$G/validate-instance", json => { instance_id => $B });
    ok !$r->{json}{ok}, "$kind: ops: a type is not an instance";
    is $ng->get("$E/" . esc($S2))->{status}, 200, "$kind: ops: what the ops API stores, the HyperSpot API serves";

    # with ?validate=true the rules refuse: 422 problem with the body's fields
    my $bad = "${F2}x.$pkg._.sub2.v1~";
    $r = $ng->post("$G/entities?validate=true", json => schema($bad, allOf => [ { '$ref' => "gts://$F2" } ]));
    HsTest::problem_ok($r, 422, 'validation_failed', "$kind: ops: validate=true refuses");
    is $r->{json}{ok}, JSON::PP::false, "$kind: ops: body.ok false";
    like $r->{json}{error}, qr/final/, "$kind: ops: body.error";
    HsTest::problem_ok($ng->get("$G/entities/" . esc($bad)), 404, 'not_found', "$kind: ops: not stored");
    $r = $ng->post("$G/entities", json => { '$id' => "gts://gts.$v.$pkg.ops.bad.v1~", '$schema' => $D7,
                                           'x-gts-final' => 'yes' });
    HsTest::problem_ok($r, 422, 'validation_failed', "$kind: ops: x-gts-final must be a boolean");
    is $r->{json}{ok}, JSON::PP::false, "$kind: ops: body.ok false";
    $r = $ng->post("$G/entities", json => { %{ schema($F2) }, title => 'other' });
    HsTest::problem_ok($r, 409, 'conflict', "$kind: ops: other content under a registered id");
    $r = $ng->post("$G/entities", json => schema($F2, 'x-gts-final' => JSON::PP::true));
    is $r->{status}, 200, "$kind: ops: the same content again";
    HsTest::problem_ok($ng->post("$G/entities", json => [ 1 ]), 422, 'validation_failed',
                       "$kind: ops: the body must be an object");
    HsTest::problem_ok($ng->post("$G/entities?validate=perhaps", json => {}), 400, 'bad_request',
                       "$kind: ops: validate must be a boolean");

    # bulk and type-schemas
    my $V10 = "gts.$v.$pkg.ops.ev.v1.0~";
    my $V11 = "gts.$v.$pkg.ops.ev.v1.1~";
    my $props = { id => { type => 'string' }, a => { type => 'string' } };
    $r = $ng->post("$G/entities/bulk", json => [
        schema($V10, properties => $props, required => ['id']),
        { id => "gts.$v.$pkg.ops.ev.v1.0~x.$pkg._.e.v1", a => 'x', zz => 1 },
        { id => 'not a gts id' } ]);
    is $r->{status}, 200, "$kind: ops: bulk with one refusal registers the rest" or diag $r->{content};
    is_deeply $r->{json}{registered}, [ $V10, "gts.$v.$pkg.ops.ev.v1.0~x.$pkg._.e.v1" ], "$kind: ops: registered";
    is $r->{json}{errors}[0]{index}, 2, "$kind: ops: errors by index";
    $r = $ng->post("$G/entities/bulk", json => [ { id => 'nope' } ]);
    HsTest::problem_ok($r, 422, 'validation_failed', "$kind: ops: bulk registering nothing");
    is_deeply $r->{json}{registered}, [], "$kind: ops: nothing registered";
    is $r->{json}{errors}[0]{field}, '[0]', "$kind: ops: per-entity errors as problem errors";
    $r = $ng->post("$G/type-schemas", json => { type_id => $V11, type_schema => {
        type => 'object', properties => { %$props, b => { type => 'string', default => 'B' } }, required => ['id'] } });
    is $r->{status}, 200, "$kind: ops: type-schemas" or diag $r->{content};
    $r = $ng->get("$G/entities/" . esc($V11));
    is $r->{json}{content}{'$id'}, "gts://$V11", "$kind: ops: \$id added";
    is $r->{json}{content}{'$schema'}, $D7, "$kind: ops: \$schema added";
    HsTest::problem_ok($ng->post("$G/type-schemas", json => { type_id => $V11 }), 422, 'validation_failed',
                       "$kind: ops: type-schemas needs type_schema");

    # relationships, compatibility, casting, queries, attributes
    $r = $ng->get("$G/resolve-relationships?gts_id=" . esc($I));
    ok $r->{json}{ok}, "$kind: ops: resolve-relationships";
    ok $r->{json}{entities}{$B}, "$kind: ops: reaches the base";
    $r = $ng->get("$G/resolve-relationships?gts_id=" . esc("gts.$v.$pkg.none.x.v1~"));
    is $r->{status}, 200, "$kind: ops: an unknown id: 200";
    ok !$r->{json}{ok}, "$kind: ops: with ok false";
    $r = $ng->get("$G/compatibility?old_type_id=" . esc($V10) . '&new_type_id=' . esc($V11));
    ok $r->{json}{is_backward_compatible}, "$kind: ops: compatibility: backward (an optional property added)";
    $r = $ng->post("$G/cast", json => { instance_id => "gts.$v.$pkg.ops.ev.v1.0~x.$pkg._.e.v1", to_type_id => $V11 });
    is $r->{status}, 200, "$kind: ops: cast";
    is $r->{json}{casted_entity}{b}, 'B', "$kind: ops: the target's default filled in" or diag $r->{content};
    $r = $ng->post("$G/cast", json => { instance_id => $V10, to_type_id => $V11 });
    like $r->{json}{error}, qr/instance/, "$kind: ops: a schema cannot be cast";
    $r = $ng->get("$G/query?expr=" . esc("gts.$v.$pkg.*[n=3]"));
    is_deeply [ map { $_->{id} } @{ $r->{json}{results} } ], [ $I ], "$kind: ops: query with a filter";
    $r = $ng->get("$G/query?expr=" . esc("gts.$v.$pkg.*") . '&limit=2');
    is $r->{json}{count}, 2, "$kind: ops: query limit";
    $r = $ng->get("$G/query?expr=" . esc("gts.$v.$pkg"));
    is $r->{status}, 200, "$kind: ops: an invalid query: 200";
    like $r->{json}{error}, qr/Invalid query/, "$kind: ops: Invalid query";
    $r = $ng->get("$G/attr?gts_with_path=" . esc("$I\@tag"));
    is_deeply [ $r->{json}{value}, $r->{json}{resolved} ], [ 'abc', JSON::PP::true ], "$kind: ops: attr";
    $r = $ng->get("$G/attr?gts_with_path=" . esc("$I\@nothing.here"));
    is $r->{json}{resolved}, JSON::PP::false, "$kind: ops: a missing attribute";

    # the list
    $r = $ng->get("$G/entities?limit=3");
    is $r->{json}{count}, 3, "$kind: ops: entities?limit";
    ok $r->{json}{total} >= 10, "$kind: ops: and the total";
    HsTest::problem_ok($ng->get("$G/entities?limit=0"), 422, 'validation_failed', "$kind: ops: limit 0");
    HsTest::problem_ok($ng->get("$G/entities?limit=ten"), 400, 'bad_request', "$kind: ops: limit not a number");
    $r = $ng->get("$G/entities/" . esc($I));
    is_deeply [ $r->{json}{content}{n}, $r->{json}{is_type} ], [ 3, JSON::PP::false ], "$kind: ops: get";
    HsTest::problem_ok($ng->get("$G/entities/" . esc("gts.$v.$pkg.nope.x.v1~")), 404, 'not_found',
                       "$kind: ops: get unknown");
}
