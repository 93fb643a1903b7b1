#include "ccurl.h"

CURLcode ccurl_setopt_long(CURL *h, CURLoption opt, long value) { return curl_easy_setopt(h, opt, value); }
CURLcode ccurl_setopt_string(CURL *h, CURLoption opt, const char *value) { return curl_easy_setopt(h, opt, value); }
CURLcode ccurl_setopt_pointer(CURL *h, CURLoption opt, void *value) { return curl_easy_setopt(h, opt, value); }
CURLcode ccurl_setopt_off(CURL *h, CURLoption opt, curl_off_t value) { return curl_easy_setopt(h, opt, value); }
CURLcode ccurl_setopt_slist(CURL *h, CURLoption opt, struct curl_slist *value) { return curl_easy_setopt(h, opt, value); }

CURLcode ccurl_setopt_blob(CURL *h, CURLoption opt, const void *data, size_t len) {
    struct curl_blob blob;
    blob.data = (void *)data;
    blob.len = len;
    blob.flags = CURL_BLOB_COPY;
    return curl_easy_setopt(h, opt, &blob);
}

CURLcode ccurl_setopt_write_function(CURL *h, ccurl_data_cb cb) { return curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, cb); }
CURLcode ccurl_setopt_header_function(CURL *h, ccurl_data_cb cb) { return curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, cb); }
CURLcode ccurl_setopt_read_function(CURL *h, ccurl_data_cb cb) { return curl_easy_setopt(h, CURLOPT_READFUNCTION, cb); }

CURLcode ccurl_setopt_xferinfo_function(CURL *h, ccurl_xferinfo_cb cb) { return curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, cb); }

CURLcode ccurl_getinfo_long(CURL *h, CURLINFO info, long *out) { return curl_easy_getinfo(h, info, out); }
CURLcode ccurl_getinfo_socket(CURL *h, CURLINFO info, curl_socket_t *out) { return curl_easy_getinfo(h, info, out); }
CURLcode ccurl_getinfo_double(CURL *h, CURLINFO info, double *out) { return curl_easy_getinfo(h, info, out); }

const char *ccurl_version_string(void) { return curl_version_info(CURLVERSION_NOW)->version; }
int ccurl_has_feature(int feature_bit) { return (curl_version_info(CURLVERSION_NOW)->features & feature_bit) != 0; }

/* OpenSSL read-ahead for streams. Without it OpenSSL reads each TLS record with two recv()
 * calls (5-byte header, then body): ~180,000 syscalls per GiB of exec output. The functions
 * come from the libssl that libcurl already loaded (looked up, not linked: the plugin links
 * libcurl only); with another TLS backend, or if they are missing, nothing changes. */
#include <dlfcn.h>
#include <string.h>

typedef long (*ccurl_ssl_ctx_ctrl_fn)(void *, int, long, void *);
typedef void (*ccurl_ssl_ctx_read_buffer_len_fn)(void *, size_t);

static CURLcode ccurl_ssl_ctx_read_ahead(CURL *h, void *ssl_ctx, void *userptr) {
    (void)h;
    (void)userptr;
    ccurl_ssl_ctx_ctrl_fn ctrl = (ccurl_ssl_ctx_ctrl_fn)dlsym(RTLD_DEFAULT, "SSL_CTX_ctrl");
    ccurl_ssl_ctx_read_buffer_len_fn buffer_len =
        (ccurl_ssl_ctx_read_buffer_len_fn)dlsym(RTLD_DEFAULT, "SSL_CTX_set_default_read_buffer_len");
    if (ctrl) ctrl(ssl_ctx, 41 /* SSL_CTRL_SET_READ_AHEAD */, 1, NULL);
    if (buffer_len) buffer_len(ssl_ctx, 256 * 1024);
    return CURLE_OK;
}

CURLcode ccurl_enable_tls_read_ahead(CURL *h) {
    curl_version_info_data *info = curl_version_info(CURLVERSION_NOW);
    if (!info->ssl_version || strncmp(info->ssl_version, "OpenSSL", 7) != 0) return CURLE_OK;
    return curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, ccurl_ssl_ctx_read_ahead);
}
