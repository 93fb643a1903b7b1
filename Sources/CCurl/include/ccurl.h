#ifndef CCURL_H
#define CCURL_H
// Typed wrappers for libcurl's variadic setopt/getinfo, which Swift cannot call.
#include <curl/curl.h>
#include <stddef.h>

typedef size_t (*ccurl_data_cb)(char *ptr, size_t size, size_t nmemb, void *userdata);

CURLcode ccurl_setopt_long(CURL *h, CURLoption opt, long value);
CURLcode ccurl_setopt_string(CURL *h, CURLoption opt, const char *value);
CURLcode ccurl_setopt_pointer(CURL *h, CURLoption opt, void *value);
CURLcode ccurl_setopt_off(CURL *h, CURLoption opt, curl_off_t value);
CURLcode ccurl_setopt_slist(CURL *h, CURLoption opt, struct curl_slist *value);
/// Copies the bytes (CURL_BLOB_COPY): for certificates and keys held in memory.
CURLcode ccurl_setopt_blob(CURL *h, CURLoption opt, const void *data, size_t len);
CURLcode ccurl_setopt_write_function(CURL *h, ccurl_data_cb cb);
CURLcode ccurl_setopt_header_function(CURL *h, ccurl_data_cb cb);
CURLcode ccurl_setopt_read_function(CURL *h, ccurl_data_cb cb);

typedef int (*ccurl_xferinfo_cb)(void *userdata, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);
CURLcode ccurl_setopt_xferinfo_function(CURL *h, ccurl_xferinfo_cb cb);

CURLcode ccurl_getinfo_long(CURL *h, CURLINFO info, long *out);
CURLcode ccurl_getinfo_socket(CURL *h, CURLINFO info, curl_socket_t *out);
CURLcode ccurl_getinfo_double(CURL *h, CURLINFO info, double *out);

/// Bits of curl_version_info_data the client reports.
const char *ccurl_version_string(void);
int ccurl_has_feature(int feature_bit);
/* OpenSSL read-ahead (one recv per ~256 KiB instead of two per TLS record); a no-op on other TLS backends. */
CURLcode ccurl_enable_tls_read_ahead(CURL *h);

#endif
