#include "czlib.h"
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

struct czlib_stream {
    z_stream z;
    int inflating;
    uint8_t *dictionary;
    size_t dictionary_length;
};

static czlib_stream *make(const uint8_t *dictionary, size_t dictionary_length, int inflating) {
    czlib_stream *s = calloc(1, sizeof(czlib_stream));
    if (!s) return NULL;
    s->inflating = inflating;
    s->dictionary = malloc(dictionary_length);
    if (!s->dictionary) { free(s); return NULL; }
    memcpy(s->dictionary, dictionary, dictionary_length);
    s->dictionary_length = dictionary_length;
    int rc = inflating ? inflateInit(&s->z) : deflateInit(&s->z, Z_DEFAULT_COMPRESSION);
    if (rc != Z_OK) { free(s->dictionary); free(s); return NULL; }
    if (!inflating && deflateSetDictionary(&s->z, s->dictionary, (uInt)s->dictionary_length) != Z_OK) {
        deflateEnd(&s->z); free(s->dictionary); free(s); return NULL;
    }
    return s;
}

czlib_stream *czlib_inflater_new(const uint8_t *d, size_t n) { return make(d, n, 1); }
czlib_stream *czlib_deflater_new(const uint8_t *d, size_t n) { return make(d, n, 0); }

void czlib_free(czlib_stream *s) {
    if (!s) return;
    if (s->inflating) inflateEnd(&s->z); else deflateEnd(&s->z);
    free(s->dictionary);
    free(s);
}

int czlib_inflate(czlib_stream *s, const uint8_t *input, size_t length, uint8_t *output, size_t capacity, size_t *produced) {
    s->z.next_in = (Bytef *)input;
    s->z.avail_in = (uInt)length;
    s->z.next_out = output;
    s->z.avail_out = (uInt)capacity;
    while (s->z.avail_in > 0) {
        int rc = inflate(&s->z, Z_SYNC_FLUSH);
        if (rc == Z_NEED_DICT) {
            if (inflateSetDictionary(&s->z, s->dictionary, (uInt)s->dictionary_length) != Z_OK) return -1;
            continue;
        }
        if (rc == Z_BUF_ERROR && s->z.avail_out == 0) return -1;
        if (rc != Z_OK && rc != Z_BUF_ERROR) return -1;
        if (rc == Z_BUF_ERROR) break;
    }
    *produced = capacity - s->z.avail_out;
    return 0;
}

int czlib_deflate_sync(czlib_stream *s, const uint8_t *input, size_t length, uint8_t *output, size_t capacity, size_t *produced) {
    s->z.next_in = (Bytef *)input;
    s->z.avail_in = (uInt)length;
    s->z.next_out = output;
    s->z.avail_out = (uInt)capacity;
    int rc = deflate(&s->z, Z_SYNC_FLUSH);
    if (rc != Z_OK || s->z.avail_in != 0 || s->z.avail_out == 0) return -1;
    *produced = capacity - s->z.avail_out;
    return 0;
}

/* gzip (RFC 1952) of a whole buffer, for inspect's --bundle FILE.tar.gz. */
int czlib_gzip(const uint8_t *input, size_t length, uint8_t **output, size_t *produced) {
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return -1;
    size_t capacity = deflateBound(&z, (uLong)length) + 64;
    uint8_t *out = malloc(capacity);
    if (!out) { deflateEnd(&z); return -1; }
    z.next_in = (Bytef *)input;
    z.next_out = out;
    size_t left = length;
    int rc = Z_OK;
    do {
        uInt chunk = left > 0x40000000u ? 0x40000000u : (uInt)left;
        z.avail_in = chunk;
        left -= chunk;
        z.avail_out = (uInt)((capacity - z.total_out) > 0x40000000u ? 0x40000000u : (capacity - z.total_out));
        rc = deflate(&z, left == 0 ? Z_FINISH : Z_NO_FLUSH);
    } while (rc == Z_OK);
    if (rc != Z_STREAM_END) { deflateEnd(&z); free(out); return -1; }
    *produced = z.total_out;
    *output = out;
    deflateEnd(&z);
    return 0;
}

/* gunzip of a whole buffer (gzip or zlib framing); -1 when it is not one or passes `limit` bytes. */
int czlib_gunzip(const uint8_t *input, size_t length, size_t limit, uint8_t **output, size_t *produced) {
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 15 + 32) != Z_OK) return -1;
    size_t capacity = length * 4 + 1024;
    if (capacity > limit) capacity = limit;
    uint8_t *out = malloc(capacity ? capacity : 1);
    if (!out) { inflateEnd(&z); return -1; }
    z.next_in = (Bytef *)input;
    z.avail_in = (uInt)(length > 0x40000000u ? 0x40000000u : length);
    size_t fed = z.avail_in;
    int rc;
    for (;;) {
        if (z.total_out >= capacity) {
            if (capacity >= limit) { rc = Z_BUF_ERROR; break; }
            size_t grown = capacity * 2 > limit ? limit : capacity * 2;
            uint8_t *bigger = realloc(out, grown);
            if (!bigger) { rc = Z_MEM_ERROR; break; }
            out = bigger;
            capacity = grown;
        }
        z.next_out = out + z.total_out;
        z.avail_out = (uInt)((capacity - z.total_out) > 0x40000000u ? 0x40000000u : (capacity - z.total_out));
        if (z.avail_in == 0 && fed < length) {
            size_t more = length - fed;
            z.avail_in = (uInt)(more > 0x40000000u ? 0x40000000u : more);
            fed += z.avail_in;
        }
        rc = inflate(&z, Z_NO_FLUSH);
        if (rc == Z_STREAM_END) break;
        if (rc != Z_OK && !(rc == Z_BUF_ERROR && z.avail_out == 0)) break;
    }
    if (rc != Z_STREAM_END) { inflateEnd(&z); free(out); return -1; }
    *produced = z.total_out;
    *output = out;
    inflateEnd(&z);
    return 0;
}

void czlib_release(uint8_t *buffer) { free(buffer); }

/* A gzip stream written to a file descriptor as it comes (the bundle, entry by entry). */
void *czlib_gz_fdopen(int fd) { return (void *)gzdopen(fd, "wb6"); }
int czlib_gz_write(void *file, const uint8_t *bytes, size_t length) {
    while (length > 0) {
        unsigned chunk = length > 0x40000000u ? 0x40000000u : (unsigned)length;
        int written = gzwrite((gzFile)file, bytes, chunk);
        if (written <= 0) return -1;
        bytes += written;
        length -= (size_t)written;
    }
    return 0;
}
int czlib_gz_close(void *file) { return gzclose((gzFile)file) == Z_OK ? 0 : -1; }
