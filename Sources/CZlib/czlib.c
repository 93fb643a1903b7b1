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
