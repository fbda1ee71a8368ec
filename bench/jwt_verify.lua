-- The comparison endpoint of the benchmark (bench/bench.pl): an OpenResty
-- (lua-nginx-module) content handler that verifies an RS256 bearer token
-- the way a hand-written Lua gateway would (OpenSSL through LuaJIT's FFI,
-- cjson), checks exp, iss and aud, and answers the claims as JSON. The
-- public key path comes from the nginx variable $jwt_public_key. A module
-- (loaded once per worker by require), so the key is read and the FFI
-- declarations made once:
--
--     lua_package_path "/path/to/bench/?.lua;;";
--     location = /verify { content_by_lua_block { require("jwt_verify").handle() } }

local ffi = require "ffi"
local cjson = require "cjson.safe"

ffi.cdef [[
typedef struct bio_st BIO;
typedef struct evp_pkey_st EVP_PKEY;
typedef struct evp_md_ctx_st EVP_MD_CTX;
typedef struct evp_md_st EVP_MD;
typedef struct evp_pkey_ctx_st EVP_PKEY_CTX;
typedef struct engine_st ENGINE;
BIO *BIO_new_mem_buf(const void *buf, int len);
int BIO_free(BIO *a);
EVP_PKEY *PEM_read_bio_PUBKEY(BIO *bp, EVP_PKEY **x, void *cb, void *u);
EVP_MD_CTX *EVP_MD_CTX_new(void);
void EVP_MD_CTX_free(EVP_MD_CTX *ctx);
const EVP_MD *EVP_sha256(void);
int EVP_DigestVerifyInit(EVP_MD_CTX *ctx, EVP_PKEY_CTX **pctx,
                         const EVP_MD *type, ENGINE *e, EVP_PKEY *pkey);
int EVP_DigestVerify(EVP_MD_CTX *ctx, const unsigned char *sig,
                     size_t siglen, const unsigned char *tbs, size_t tbslen);
]]

local crypto = ffi.load("libcrypto.so.3")

local pkey
local function public_key()
    if pkey then return pkey end
    local f = assert(io.open(ngx.var.jwt_public_key, "rb"))
    local pem = f:read("*a")
    f:close()
    local bio = crypto.BIO_new_mem_buf(pem, #pem)
    pkey = crypto.PEM_read_bio_PUBKEY(bio, nil, nil, nil)
    crypto.BIO_free(bio)
    assert(pkey ~= nil, "cannot read the public key")
    return pkey
end

local function b64url(s)
    s = s:gsub("-", "+"):gsub("_", "/")
    local pad = #s % 4
    if pad > 0 then s = s .. string.rep("=", 4 - pad) end
    return ngx.decode_base64(s)
end

local M = {}

local function deny(why)
    ngx.status = 401
    ngx.header["Content-Type"] = "application/json"
    ngx.say(cjson.encode({ error = why }))
    return ngx.exit(401)
end

function M.handle()
    local auth = ngx.var.http_authorization
    if not auth then return deny("no token") end
    local token = auth:match("^[Bb]earer%s+(%S+)$")
    if not token then return deny("not a bearer token") end

    local h64, p64, s64 = token:match("^([^.]+)%.([^.]+)%.([^.]+)$")
    if not h64 then return deny("malformed") end

    local header = cjson.decode(b64url(h64) or "")
    local claims = cjson.decode(b64url(p64) or "")
    local sig = b64url(s64)
    if type(header) ~= "table" or type(claims) ~= "table" or not sig then
        return deny("malformed")
    end
    if header.alg ~= "RS256" then return deny("algorithm") end

    local md = crypto.EVP_MD_CTX_new()
    local signed = h64 .. "." .. p64
    local ok = crypto.EVP_DigestVerifyInit(md, nil, crypto.EVP_sha256(), nil,
                                           public_key()) == 1
               and crypto.EVP_DigestVerify(md, sig, #sig, signed, #signed) == 1
    crypto.EVP_MD_CTX_free(md)
    if not ok then return deny("signature") end

    local now = ngx.time()
    if type(claims.exp) ~= "number" or claims.exp < now then
        return deny("expired")
    end
    if claims.iss ~= ngx.var.jwt_issuer then return deny("issuer") end
    if claims.aud ~= ngx.var.jwt_audience then return deny("audience") end

    ngx.header["Content-Type"] = "application/json"
    ngx.say(cjson.encode({ sub = claims.sub, tenants = claims.tenants,
                           roles = claims.roles }))
end

return M
