#ifndef CZLIB_H
#define CZLIB_H
#include <stddef.h>
#include <stdint.h>

/* zlib streams with a preset dictionary, as SPDY/3 header blocks use them: one inflater for
 * everything a peer sends, one deflater for everything we send (each block sync-flushed). */
typedef struct czlib_stream czlib_stream;

czlib_stream *czlib_inflater_new(const uint8_t *dictionary, size_t dictionary_length);
czlib_stream *czlib_deflater_new(const uint8_t *dictionary, size_t dictionary_length);
void czlib_free(czlib_stream *stream);

/* Feeds `input`; writes what comes out into `output` (at most `capacity` bytes) and sets
 * `produced`. Returns 0, or -1 on a zlib error or when the output does not fit. */
int czlib_inflate(czlib_stream *stream, const uint8_t *input, size_t length, uint8_t *output, size_t capacity, size_t *produced);
int czlib_deflate_sync(czlib_stream *stream, const uint8_t *input, size_t length, uint8_t *output, size_t capacity, size_t *produced);
/* A whole buffer gzipped / gunzipped (gzip or zlib framing, at most `limit` bytes out): `*output` is
 * malloc'd, give it back with czlib_release. Return 0, or -1. */
int czlib_gzip(const uint8_t *input, size_t length, uint8_t **output, size_t *produced);
int czlib_gunzip(const uint8_t *input, size_t length, size_t limit, uint8_t **output, size_t *produced);
void czlib_release(uint8_t *buffer);

/* A gzip stream onto `fd` (which it then owns: czlib_gz_close closes it). NULL / -1 on error. */
void *czlib_gz_fdopen(int fd);
int czlib_gz_write(void *file, const uint8_t *bytes, size_t length);
int czlib_gz_close(void *file);
#endif
