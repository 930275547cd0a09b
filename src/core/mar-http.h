/* mar-http.h — HTTPS to the hospital's FHIR R4 server (libcurl, OpenSSL)
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One MarHttpClient talks to one FHIR server over one reused connection.
 * TLS verification is always on and cannot be turned off: the server must
 * present a certificate that the configured CA file (or the system store)
 * trusts, issued for the host in the URL, and, when a pin is set, carrying
 * the pinned public key. Only https:// URLs are accepted, including for the
 * tests (they run an HTTPS server with a CA made at test time).
 *
 * Errors say what IT must fix (MarHttpError). Secrets (bearer tokens, the
 * OAuth client secret) never reach logs, error messages or the database.
 * Logs name the resource type and the status only: URLs carry resource ids
 * and search parameters carry identifiers.
 *
 * Not thread-safe: one client per thread.
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "mar-config.h"

G_BEGIN_DECLS

#define MAR_HTTP_ERROR (mar_http_error_quark ())

typedef enum
{
  MAR_HTTP_ERROR_CONFIG,           /* a setting that cannot work: not https, unreadable file,
                                    * a key or secret file readable by every user, a bad pin */
  MAR_HTTP_ERROR_TLS_UNTRUSTED,    /* the certificate is not issued by a trusted CA ([server] ca-file) */
  MAR_HTTP_ERROR_TLS_EXPIRED,      /* the certificate has expired, or is not valid yet (check the clock) */
  MAR_HTTP_ERROR_TLS_HOSTNAME,     /* the certificate is for another host name */
  MAR_HTTP_ERROR_TLS_PIN_MISMATCH, /* the server's public key is not the pinned one ([server] pin) */
  MAR_HTTP_ERROR_TLS_CLIENT_CERT,  /* our client certificate is missing, unusable or refused (mTLS) */
  MAR_HTTP_ERROR_TIMEOUT,          /* no complete answer within the timeout */
  MAR_HTTP_ERROR_CONNECT,          /* cannot reach the server: refused, unreachable, unknown host */
  MAR_HTTP_ERROR_CONNECTION_LOST,  /* the connection broke before an answer came */
  MAR_HTTP_ERROR_PROTOCOL,         /* not what HTTPS/FHIR promises: TLS handshake failure, redirect,
                                    * a link that leaves the server */
  MAR_HTTP_ERROR_SERVER,           /* 5xx */
  MAR_HTTP_ERROR_RATE_LIMITED,     /* 429 (Retry-After) */
  MAR_HTTP_ERROR_AUTH,             /* 401/403, or the token endpoint refused our client */
  MAR_HTTP_ERROR_NOT_FOUND,        /* 404/410: no such resource (or it was deleted) */
  MAR_HTTP_ERROR_CONFLICT,         /* 409/412: the resource changed since we read it; re-read */
  MAR_HTTP_ERROR_CLIENT,           /* any other 4xx: the server refused the request; the message
                                    * carries its OperationOutcome */
  MAR_HTTP_ERROR_BAD_RESPONSE,     /* truncated, not valid JSON, or not FHIR JSON */
  MAR_HTTP_ERROR_TOO_LARGE,        /* the answer is larger than the configured limit */
} MarHttpError;

GQuark mar_http_error_quark (void);

/* Whether retrying the same request may succeed: network trouble, timeouts,
 * 5xx, 429 and broken answers. Never TLS or configuration problems, 4xx or
 * cancellation (RULES: a request that cannot succeed is parked, not hammered). */
gboolean mar_http_error_is_transient (const GError *error);

/* ------------------------------------------------------------------------ */
/* Configuration                                                            */

typedef struct
{
  char  *base_url;            /* https://fhir.example.org/r4 */
  char  *ca_file;             /* (nullable) PEM CA bundle; NULL = the system store */
  char  *pinned_key;          /* (nullable) "sha256//<base64>", several joined by ';' */
  char  *client_cert;         /* (nullable) PEM client certificate (mTLS) */
  char  *client_key;          /* (nullable) its private key; must not be readable by every user */
  char  *token_file;          /* (nullable) a static bearer token; same permission rule */
  char  *token_url;           /* (nullable) OAuth2 client-credentials token endpoint (https) */
  char  *client_id;           /* OAuth2 client id */
  char  *client_secret_file;  /* OAuth2 client secret; same permission rule */
  char  *scope;               /* (nullable) OAuth2 scope */
  char  *proxy;               /* (nullable) an explicit proxy; the environment's is ignored */
  char  *user_agent;
  guint  connect_timeout_ms;
  guint  timeout_ms;          /* one whole request, connection included */
  gsize  max_response_size;   /* bytes, after decompression */
} MarHttpConfig;

/* Defaults: 10 s to connect, 60 s per request, 32 MiB per answer. */
MarHttpConfig *mar_http_config_new       (const char     *base_url);
MarHttpConfig *mar_http_config_copy      (const MarHttpConfig *config);
void           mar_http_config_free      (MarHttpConfig  *config);
/* From the [server] group: url, ca-file, pin, client-cert, client-key,
 * token-file, token-url, client-id, client-secret-file, scope, proxy,
 * timeout and connect-timeout (seconds), max-response-mb. */
MarHttpConfig *mar_http_config_new_from_config (MarConfig  *config,
                                                GError    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarHttpConfig, mar_http_config_free)

/* ------------------------------------------------------------------------ */
/* Requests and responses                                                   */

typedef enum
{
  MAR_HTTP_GET,
  MAR_HTTP_POST,
  MAR_HTTP_PUT,
} MarHttpMethod;

typedef struct
{
  MarHttpMethod  method;
  /* Relative to the base URL ("Patient?identifier=…", "metadata", "" for a
   * transaction Bundle), or an absolute URL under the base URL (a
   * Bundle.link from this server). Query values must be percent-encoded
   * ('+' in an offset is a space otherwise). */
  const char    *target;
  JsonNode      *body;          /* (nullable) POST/PUT: the resource or Bundle */
  /* (nullable) POST: the search that finds an existing copy, e.g.
   * "identifier=urn:ietf:rfc:3986|urn:uuid:…" (FHIR R4 http.html#ccreate). */
  const char    *if_none_exist;
  /* (nullable) PUT: the versionId the change was made on; sent as W/"…". */
  const char    *if_match;
} MarHttpRequest;

typedef struct
{
  guint     status;
  char     *content_type;   /* (nullable) without parameters */
  char     *etag;           /* (nullable) as sent: W/"3" */
  char     *location;       /* (nullable) */
  char     *resource_id;    /* (nullable) the body's id, else from Location */
  char     *version_id;     /* (nullable) from ETag, else the body's meta.versionId */
  gint64    date;           /* the server's Date header, Unix seconds; 0 if absent */
  gint64    received_at;    /* the terminal's clock when the answer arrived, Unix seconds */
  gint64    retry_after;    /* Retry-After in seconds from the server's Date; -1 if absent */
  GBytes   *body;
  JsonNode *json;           /* (nullable) the body, when it is JSON */
} MarHttpResponse;

void     mar_http_response_free            (MarHttpResponse *response);
/* The server's clock minus the terminal's, in seconds (RULES.md: CLOCK_SKEW).
 * FALSE when the answer had no Date header. */
gboolean mar_http_response_get_clock_skew  (const MarHttpResponse *response,
                                            gint64                *skew);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarHttpResponse, mar_http_response_free)

/* A readable text from an OperationOutcome: each issue's severity, its
 * details.text or diagnostics (else its code) and its expression, joined by
 * "; ". NULL when @node is not an OperationOutcome. Shown to IT verbatim. */
char        *mar_http_operation_outcome_to_string (JsonNode   *node);

/* The Bundle.link with relation "next", or NULL (transfer none). */
const char  *mar_http_bundle_get_next_link        (JsonNode   *bundle);

/* ------------------------------------------------------------------------ */
/* The client                                                               */

typedef struct _MarHttpClient MarHttpClient;

/* Where the client reads time and waits: the real clock by default; tests
 * substitute a fake one to check retry delays and token refresh without
 * waiting. Times are in microseconds like g_get_real_time(). */
typedef struct
{
  gint64   (*real_time)      (gpointer      user_data);
  gint64   (*monotonic_time) (gpointer      user_data);
  /* FALSE when @cancellable was cancelled during the wait. */
  gboolean (*sleep)          (gint64        usec,
                              GCancellable *cancellable,
                              gpointer      user_data);
  gpointer user_data;
} MarHttpClock;

typedef struct
{
  guint  max_attempts;      /* the first one included */
  gint64 max_total_ms;      /* no new attempt would start after this much time */
  gint64 initial_delay_ms;  /* the first wait; each next one doubles */
  gint64 max_delay_ms;      /* the longest backoff wait */
} MarHttpRetryPolicy;

/* 5 attempts within 2 minutes, waits of 1, 2, 4, 8 s (each with jitter), at most 30 s. */
void           mar_http_retry_policy_init_default (MarHttpRetryPolicy *policy);

/* Checks the configuration (https only, files readable, secret files not
 * readable by every user, a well-formed pin) and prepares the connection. */
MarHttpClient *mar_http_client_new        (const MarHttpConfig *config,
                                           GError             **error);
void           mar_http_client_free       (MarHttpClient       *client);
void           mar_http_client_set_clock  (MarHttpClient       *client,
                                           const MarHttpClock  *clock);
const char    *mar_http_client_get_base_url (MarHttpClient     *client);

/* One attempt. Any complete HTTP answer is returned, whatever its status;
 * an error only when there is none (TLS, network, timeout, cancelled) or it
 * is unusable (cut short, too large, a 2xx that is not FHIR JSON). */
MarHttpResponse *mar_http_client_send     (MarHttpClient        *client,
                                           const MarHttpRequest *request,
                                           GCancellable         *cancellable,
                                           GError              **error);

/* A non-2xx status as a MarHttpError, with the OperationOutcome's text. */
gboolean       mar_http_response_check    (const MarHttpResponse *response,
                                           GError              **error);

/* Send and check, retrying transient failures (mar_http_error_is_transient)
 * with exponential backoff and jitter, or exactly the server's Retry-After.
 * @policy NULL: a single attempt. The caller makes the request safe to
 * repeat: GET, POST with If-None-Exist, PUT with If-Match. */
MarHttpResponse *mar_http_client_request  (MarHttpClient            *client,
                                           const MarHttpRequest     *request,
                                           const MarHttpRetryPolicy *policy,
                                           GCancellable             *cancellable,
                                           GError                  **error);

/* Shorthands over mar_http_client_request(). */
MarHttpResponse *mar_http_client_get      (MarHttpClient            *client,
                                           const char               *target,
                                           const MarHttpRetryPolicy *policy,
                                           GCancellable             *cancellable,
                                           GError                  **error);
/* POST [type] with If-None-Exist (nullable). */
MarHttpResponse *mar_http_client_create   (MarHttpClient            *client,
                                           const char               *resource_type,
                                           JsonNode                 *resource,
                                           const char               *if_none_exist,
                                           const MarHttpRetryPolicy *policy,
                                           GCancellable             *cancellable,
                                           GError                  **error);
/* PUT [type]/[id] with If-Match on @version_id (nullable). */
MarHttpResponse *mar_http_client_update   (MarHttpClient            *client,
                                           const char               *resource_type,
                                           const char               *id,
                                           JsonNode                 *resource,
                                           const char               *version_id,
                                           const MarHttpRetryPolicy *policy,
                                           GCancellable             *cancellable,
                                           GError                  **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarHttpClient, mar_http_client_free)

G_END_DECLS
