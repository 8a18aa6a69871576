/* sm4.c — SM4-ECB for HJ 212-2025 encrypted data areas, through OpenSSL.
 *
 * Why: HJ 212-2025 §6.4.2 encrypts the data area of uploads with SM4 (GB/T
 * 32907-2016), 16-byte key, ECB, "Nopadding", and Appendix A.2 says exactly
 * what is encrypted: "每16个字符为一组加密 … 不足16个字符的部分使用明文，先完成
 * CRC校验并组包，再对数据段加密" — every whole 16-byte block between "CP=&&"
 * and the closing "&&", the shorter tail left plain, the CRC computed over the
 * plaintext. ECB without padding keeps the length, so the frame's LLLL stays
 * the plaintext length and decryption can happen in place in the frame buffer
 * (see ../shared/reference/hj212.md §4.3).
 *
 * We do not write our own block cipher: libcrypto's EVP_sm4_ecb is used with
 * padding disabled (OpenSSL >= 1.1.1; a build without SM4 makes every call
 * fail with ECO_EHJ212_CRYPTO rather than silently pass data through).
 *
 * Allocation: OpenSSL allocates an EVP_CIPHER_CTX; we make ONE per call of
 * eco_hj212_sm4_ecb / eco_hj212_sm4_region (so one per packet — the whole
 * block-aligned part of the region is contiguous and done in one update) and
 * free it before returning. No context is cached: the codec keeps no global
 * state, keys differ per device, and a per-packet context costs far less
 * than the packet's TCP round trip. Nothing else is allocated.
 */
#include "hj212/hj212.h"

#include <limits.h>
#include <stdint.h>

#include <openssl/evp.h>

#define SM4_BLOCK 16

/* Largest chunk passed to one EVP update (its length is an int): a multiple
 * of the block size. */
#define SM4_CHUNK ((size_t)1 << 30)

static int sm4_run(const uint8_t key[16], const uint8_t *in, uint8_t *out, size_t n, int encrypt)
{
    const EVP_CIPHER *cipher = EVP_sm4_ecb();
    if (!cipher)
        return ECO_EHJ212_CRYPTO;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (!ctx)
        return ECO_EHJ212_CRYPTO;
    int rc = ECO_EHJ212_CRYPTO;
    if (EVP_CipherInit_ex(ctx, cipher, NULL, key, NULL, encrypt ? 1 : 0) != 1)
        goto done;
    if (EVP_CIPHER_CTX_set_padding(ctx, 0) != 1)
        goto done;
    size_t off = 0;
    while (off < n) {
        size_t chunk = n - off < SM4_CHUNK ? n - off : SM4_CHUNK;
        int outl = 0;
        /* in == out is allowed for ECB (exact overlap, not partial) */
        if (EVP_CipherUpdate(ctx, out + off, &outl, in + off, (int)chunk) != 1 || (size_t)outl != chunk)
            goto done;
        off += chunk;
    }
    int finl = 0;
    /* with padding off and whole blocks, Final writes nothing; it must not
     * write past out + n, hence the check */
    if (EVP_CipherFinal_ex(ctx, out + n, &finl) != 1 || finl != 0)
        goto done;
    rc = 0;
done:
    EVP_CIPHER_CTX_free(ctx);
    return rc;
}

int eco_hj212_sm4_ecb(const uint8_t key[16], const uint8_t *in, uint8_t *out, size_t n, int encrypt)
{
    if (!key)
        return ECO_EHJ212_CRYPTO;
    if (n % SM4_BLOCK != 0 || (n > 0 && (!in || !out)))
        return ECO_EINVAL;
    if (n == 0)
        return 0;
    return sm4_run(key, in, out, n, encrypt);
}

int eco_hj212_sm4_region(unsigned char *seg, size_t cp_off, size_t cp_len, const uint8_t key[16], int encrypt)
{
    if (!key)
        return ECO_EHJ212_CRYPTO; /* "no key" */
    if (cp_off > SIZE_MAX - cp_len)
        return ECO_EINVAL;
    size_t whole = cp_len - cp_len % SM4_BLOCK; /* the tail (< 16 bytes) stays plain */
    if (whole == 0)
        return 0;
    if (!seg)
        return ECO_EINVAL;
    return sm4_run(key, seg + cp_off, seg + cp_off, whole, encrypt);
}
