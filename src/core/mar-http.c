/* mar-http.c — HTTPS to the hospital's FHIR R4 server (libcurl, OpenSSL)
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-http"

#include "config.h"

#include "mar-http.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_CONNECT_TIMEOUT_MS  10000
#define DEFAULT_TIMEOUT_MS          60000
#define DEFAULT_MAX_RESPONSE_SIZE   (32 * 1024 * 1024)
/* json-glib's parser recurses once per nesting level; FHIR resources nest
 * a few dozen levels at most, so anything deeper is refused before parsing
 * rather than risking the stack. */
#define MAX_JSON_DEPTH              64
#define MAX_SECRET_FILE_SIZE        16384
#define MAX_OUTCOME_TEXT            2000
/* The longest Retry-After we believe (a day); beyond it the server is wrong. */
#define MAX_RETRY_AFTER_S           86400
/* An OAuth2 token without expires_in (RFC 6749 §5.1 makes it optional). */
#define DEFAULT_TOKEN_LIFETIME_S    300
/* A token is renewed this long before it expires, or at half its life if
 * it is short, so that a request never leaves with a token about to lapse. */
#define TOKEN_REFRESH_MARGIN_S      60

struct _MarHttpClient
{
  MarHttpConfig *config;
  CURL          *curl;
  GUri          *base_uri;
  char          *base;              /* base URL without a trailing slash */
  char          *host;              /* for messages */
  gboolean       token_url_same_origin;
  MarHttpClock   clock;
  char           error_buffer[CURL_ERROR_SIZE];

  /* What the TLS handshake of the current transfer showed (a reused
   * connection has none): see on_tls_message(). */
  gboolean       tls_cert_requested;
  gboolean       tls_server_accepted;
  int            tls_alert;

  /* A static bearer token (token_file), re-read when the file changes. */
  char          *static_token;
  struct stat    static_token_stat;

  /* OAuth2 client credentials. */
  char          *oauth_token;
  gint64         oauth_refresh_at;  /* monotonic µs */
};

G_DEFINE_QUARK (mar-http-error-quark, mar_http_error)

/* ------------------------------------------------------------------------ */
/* Secrets                                                                  */

typedef char MarSecret;

static void
mar_secret_free (MarSecret *secret)
{
  if (secret == NULL)
    return;
  /* Tokens and client secrets do not linger in freed memory. */
  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarSecret, mar_secret_free)

static void
free_secret_header_list (struct curl_slist *list)
{
  for (struct curl_slist *l = list; l != NULL; l = l->next)
    explicit_bzero (l->data, strlen (l->data));
  curl_slist_free_all (list);
}

/* Checks that a file holding a secret (a key, a token, a client secret) is
 * a regular file that not every user can read. Returns the open fd or -1. */
static int
open_private_file (const char  *path,
                   const char  *what,
                   struct stat *st,
                   GError     **error)
{
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);

  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_CONFIG,
                   _("Cannot read the %s file %s: %s"), what, path, g_strerror (saved_errno));
      return -1;
    }
  if (fstat (fd, st) != 0 || !S_ISREG (st->st_mode))
    {
      g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_CONFIG,
                   _("The %s file %s is not a regular file"), what, path);
      close (fd);
      return -1;
    }
  /* Anyone on the terminal who can read it can act as the terminal. */
  if ((st->st_mode & (S_IROTH | S_IWOTH)) != 0)
    {
      g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_CONFIG,
                   _("The %s file %s can be read or changed by every user; refusing to use it "
                     "(run: chmod o-rwx %s)"), what, path, path);
      close (fd);
      return -1;
    }
  return fd;
}

static gboolean
check_private_file (const char  *path,
                    const char  *what,
                    GError     **error)
{
  struct stat st;
  int fd = open_private_file (path, what, &st, error);

  if (fd < 0)
    return FALSE;
  close (fd);
  return TRUE;
}

/* A token or secret goes into an HTTP header: visible ASCII only (RFC 6750
 * b64token and RFC 6749 client secrets), so nothing can split the header. */
static gboolean
is_header_safe_secret (const char *text)
{
  if (*text == '\0')
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (*p < 0x21 || *p > 0x7e)
      return FALSE;
  return TRUE;
}

static MarSecret *
read_secret_file (const char  *path,
                  const char  *what,
                  struct stat *st_out,
                  GError     **error)
{
  struct stat st;
  g_autoptr(MarSecret) data = NULL;
  gsize len = 0;
  int fd;

  fd = open_private_file (path, what, &st, error);
  if (fd < 0)
    return NULL;
  if (st.st_size > MAX_SECRET_FILE_SIZE)
    {
      close (fd);
      g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_CONFIG,
                   _("The %s file %s is too large to be a token or secret"), what, path);
      return NULL;
    }
  data = g_malloc0 (MAX_SECRET_FILE_SIZE + 1);
  for (;;)
    {
      ssize_t n = read (fd, data + len, MAX_SECRET_FILE_SIZE - len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          close (fd);
          g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_CONFIG,
                       _("Cannot read the %s file %s: %s"), what, path, g_strerror (saved_errno));
          return NULL;
        }
      if (n == 0 || len + (gsize) n >= MAX_SECRET_FILE_SIZE)
        {
          len += (gsize) n;
          break;
        }
      len += (gsize) n;
    }
  close (fd);
  data[len] = '\0';
  g_strstrip (data);
  if (!is_header_safe_secret (data))
    {
      g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_CONFIG,
                   _("The %s file %s is empty or holds characters that cannot be sent "
                     "(one line of visible ASCII expected)"), what, path);
      return NULL;
    }
  if (st_out != NULL)
    *st_out = st;
  return g_steal_pointer (&data);
}

/* ------------------------------------------------------------------------ */
/* Configuration                                                            */

MarHttpConfig *
mar_http_config_new (const char *base_url)
{
  MarHttpConfig *config = g_new0 (MarHttpConfig, 1);

  config->base_url = g_strdup (base_url);
  config->user_agent = g_strdup (PACKAGE_NAME "/" PACKAGE_VERSION);
  config->connect_timeout_ms = DEFAULT_CONNECT_TIMEOUT_MS;
  config->timeout_ms = DEFAULT_TIMEOUT_MS;
  config->max_response_size = DEFAULT_MAX_RESPONSE_SIZE;
  return config;
}

MarHttpConfig *
mar_http_config_copy (const MarHttpConfig *config)
{
  MarHttpConfig *copy;

  g_return_val_if_fail (config != NULL, NULL);

  copy = g_new0 (MarHttpConfig, 1);
  *copy = *config;
  copy->base_url = g_strdup (config->base_url);
  copy->ca_file = g_strdup (config->ca_file);
  copy->pinned_key = g_strdup (config->pinned_key);
  copy->client_cert = g_strdup (config->client_cert);
  copy->client_key = g_strdup (config->client_key);
  copy->token_file = g_strdup (config->token_file);
  copy->token_url = g_strdup (config->token_url);
  copy->client_id = g_strdup (config->client_id);
  copy->client_secret_file = g_strdup (config->client_secret_file);
  copy->scope = g_strdup (config->scope);
  copy->proxy = g_strdup (config->proxy);
  copy->user_agent = g_strdup (config->user_agent);
  return copy;
}

void
mar_http_config_free (MarHttpConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->base_url);
  g_free (config->ca_file);
  g_free (config->pinned_key);
  g_free (config->client_cert);
  g_free (config->client_key);
  g_free (config->token_file);
  g_free (config->token_url);
  g_free (config->client_id);
  g_free (config->client_secret_file);
  g_free (config->scope);
  g_free (config->proxy);
  g_free (config->user_agent);
  g_free (config);
}

MarHttpConfig *
mar_http_config_new_from_config (MarConfig  *config,
                                 GError    **error)
{
  g_autofree char *url = mar_config_dup_string (config, "server", "url");
  g_autoptr(MarHttpConfig) http = NULL;
  gint64 timeout, connect_timeout, max_mb;

  g_return_val_if_fail (config != NULL, NULL);

  if (url == NULL || *url == '\0')
    {
      g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_CONFIG,
                   _("No FHIR server is configured ([server] url)"));
      return NULL;
    }
  http = mar_http_config_new (url);
  http->ca_file = mar_config_dup_string (config, "server", "ca-file");
  http->pinned_key = mar_config_dup_string (config, "server", "pin");
  http->client_cert = mar_config_dup_string (config, "server", "client-cert");
  http->client_key = mar_config_dup_string (config, "server", "client-key");
  http->token_file = mar_config_dup_string (config, "server", "token-file");
  http->token_url = mar_config_dup_string (config, "server", "token-url");
  http->client_id = mar_config_dup_string (config, "server", "client-id");
  http->client_secret_file = mar_config_dup_string (config, "server", "client-secret-file");
  http->scope = mar_config_dup_string (config, "server", "scope");
  http->proxy = mar_config_dup_string (config, "server", "proxy");

  timeout = mar_config_get_int (config, "server", "timeout", DEFAULT_TIMEOUT_MS / 1000);
  connect_timeout = mar_config_get_int (config, "server", "connect-timeout",
                                        DEFAULT_CONNECT_TIMEOUT_MS / 1000);
  max_mb = mar_config_get_int (config, "server", "max-response-mb",
                               DEFAULT_MAX_RESPONSE_SIZE / (1024 * 1024));
  if (timeout < 1 || timeout > 3600 || connect_timeout < 1 || connect_timeout > timeout)
    {
      g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_CONFIG,
                   _("[server] timeout must be 1 to 3600 seconds and connect-timeout "
                     "1 second up to the timeout"));
      return NULL;
    }
  if (max_mb < 1 || max_mb > 1024)
    {
      g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_CONFIG,
                   _("[server] max-response-mb must be 1 to 1024"));
      return NULL;
    }
  http->timeout_ms = (guint) timeout * 1000;
  http->connect_timeout_ms = (guint) connect_timeout * 1000;
  http->max_response_size = (gsize) max_mb * 1024 * 1024;
  return g_steal_pointer (&http);
}

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */

gboolean
mar_http_error_is_transient (const GError *error)
{
  if (error == NULL || error->domain != MAR_HTTP_ERROR)
    return FALSE;
  switch ((MarHttpError) error->code)
    {
    case MAR_HTTP_ERROR_TIMEOUT:
    case MAR_HTTP_ERROR_CONNECT:
    case MAR_HTTP_ERROR_CONNECTION_LOST:
    case MAR_HTTP_ERROR_SERVER:
    case MAR_HTTP_ERROR_RATE_LIMITED:
    case MAR_HTTP_ERROR_BAD_RESPONSE:
      return TRUE;
    case MAR_HTTP_ERROR_CONFIG:
    case MAR_HTTP_ERROR_TLS_UNTRUSTED:
    case MAR_HTTP_ERROR_TLS_EXPIRED:
    case MAR_HTTP_ERROR_TLS_HOSTNAME:
    case MAR_HTTP_ERROR_TLS_PIN_MISMATCH:
    case MAR_HTTP_ERROR_TLS_CLIENT_CERT:
    case MAR_HTTP_ERROR_PROTOCOL:
    case MAR_HTTP_ERROR_AUTH:
    case MAR_HTTP_ERROR_NOT_FOUND:
    case MAR_HTTP_ERROR_CONFLICT:
    case MAR_HTTP_ERROR_CLIENT:
    case MAR_HTTP_ERROR_TOO_LARGE:
    default:
      return FALSE;
    }
}

static const char *
error_code_name (int code)
{
  switch ((MarHttpError) code)
    {
    case MAR_HTTP_ERROR_CONFIG: return "CONFIG";
    case MAR_HTTP_ERROR_TLS_UNTRUSTED: return "TLS_UNTRUSTED";
    case MAR_HTTP_ERROR_TLS_EXPIRED: return "TLS_EXPIRED";
    case MAR_HTTP_ERROR_TLS_HOSTNAME: return "TLS_HOSTNAME";
    case MAR_HTTP_ERROR_TLS_PIN_MISMATCH: return "TLS_PIN_MISMATCH";
    case MAR_HTTP_ERROR_TLS_CLIENT_CERT: return "TLS_CLIENT_CERT";
    case MAR_HTTP_ERROR_TIMEOUT: return "TIMEOUT";
    case MAR_HTTP_ERROR_CONNECT: return "CONNECT";
    case MAR_HTTP_ERROR_CONNECTION_LOST: return "CONNECTION_LOST";
    case MAR_HTTP_ERROR_PROTOCOL: return "PROTOCOL";
    case MAR_HTTP_ERROR_SERVER: return "SERVER";
    case MAR_HTTP_ERROR_RATE_LIMITED: return "RATE_LIMITED";
    case MAR_HTTP_ERROR_AUTH: return "AUTH";
    case MAR_HTTP_ERROR_NOT_FOUND: return "NOT_FOUND";
    case MAR_HTTP_ERROR_CONFLICT: return "CONFLICT";
    case MAR_HTTP_ERROR_CLIENT: return "CLIENT";
    case MAR_HTTP_ERROR_BAD_RESPONSE: return "BAD_RESPONSE";
    case MAR_HTTP_ERROR_TOO_LARGE: return "TOO_LARGE";
    default: return "UNKNOWN";
    }
}

/* ------------------------------------------------------------------------ */
/* Logging: method, resource type, status, duration. Never the URL: paths
 * carry resource ids and queries carry MRNs and identifiers. */

static const char *
method_name (MarHttpMethod method)
{
  switch (method)
    {
    case MAR_HTTP_POST: return "POST";
    case MAR_HTTP_PUT: return "PUT";
    case MAR_HTTP_GET:
    default: return "GET";
    }
}

static void
log_exchange (GLogLevelFlags  level,
              const char     *method,
              const char     *what,
              guint           status,
              const char     *outcome,
              gint64          duration_ms,
              guint           attempt)
{
  char status_text[16];
  char duration_text[32];
  char attempt_text[16];

  g_snprintf (status_text, sizeof status_text, "%u", status);
  g_snprintf (duration_text, sizeof duration_text, "%" G_GINT64_FORMAT, duration_ms);
  g_snprintf (attempt_text, sizeof attempt_text, "%u", attempt);
  g_log_structured (G_LOG_DOMAIN, level,
                    "MAR_HTTP_METHOD", method,
                    "MAR_HTTP_RESOURCE_TYPE", what,
                    "MAR_HTTP_STATUS", status_text,
                    "MAR_HTTP_OUTCOME", outcome,
                    "MAR_HTTP_DURATION_MS", duration_text,
                    "MAR_HTTP_ATTEMPT", attempt_text,
                    "MESSAGE", "%s %s: %s (%" G_GINT64_FORMAT " ms, attempt %u)",
                    method, what, outcome, duration_ms, attempt);
}

/* ------------------------------------------------------------------------ */
/* Clock                                                                    */

static gint64
default_real_time (gpointer user_data)
{
  return g_get_real_time ();
}

static gint64
default_monotonic_time (gpointer user_data)
{
  return g_get_monotonic_time ();
}

static gboolean
default_sleep (gint64        usec,
               GCancellable *cancellable,
               gpointer      user_data)
{
  GPollFD pollfd;
  gint64 deadline;

  if (usec <= 0)
    return !g_cancellable_is_cancelled (cancellable);
  if (cancellable == NULL || !g_cancellable_make_pollfd (cancellable, &pollfd))
    {
      g_usleep ((gulong) usec);
      return !g_cancellable_is_cancelled (cancellable);
    }
  deadline = g_get_monotonic_time () + usec;
  while (!g_cancellable_is_cancelled (cancellable))
    {
      gint64 left = deadline - g_get_monotonic_time ();

      if (left <= 0)
        break;
      g_poll (&pollfd, 1, (int) MIN ((left + 999) / 1000, G_MAXINT));
    }
  g_cancellable_release_fd (cancellable);
  return !g_cancellable_is_cancelled (cancellable);
}

static const MarHttpClock default_clock = {
  .real_time = default_real_time,
  .monotonic_time = default_monotonic_time,
  .sleep = default_sleep,
};

void
mar_http_client_set_clock (MarHttpClient      *client,
                           const MarHttpClock *clock)
{
  g_return_if_fail (client != NULL);
  client->clock = clock != NULL ? *clock : default_clock;
}

static gint64
client_monotonic (MarHttpClient *client)
{
  return client->clock.monotonic_time (client->clock.user_data);
}

static gint64
client_real_seconds (MarHttpClient *client)
{
  return client->clock.real_time (client->clock.user_data) / G_USEC_PER_SEC;
}

/* ------------------------------------------------------------------------ */
/* Client set-up                                                            */

static gboolean
is_https_uri (GUri *uri)
{
  return g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0 &&
         g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0';
}

static int
uri_port (GUri *uri)
{
  int port = g_uri_get_port (uri);

  return port > 0 ? port : 443;
}

static gboolean
same_origin (GUri *a,
             GUri *b)
{
  return g_ascii_strcasecmp (g_uri_get_scheme (a), g_uri_get_scheme (b)) == 0 &&
         g_ascii_strcasecmp (g_uri_get_host (a), g_uri_get_host (b)) == 0 &&
         uri_port (a) == uri_port (b);
}

/* "sha256//" + base64 of 32 bytes, several joined by ';' (curl's syntax). */
static gboolean
is_valid_pin (const char *pin)
{
  g_auto(GStrv) parts = g_strsplit (pin, ";", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *b64;
      g_autofree guchar *raw = NULL;
      gsize len = 0;

      g_strstrip (parts[i]);
      if (!g_str_has_prefix (parts[i], "sha256//"))
        return FALSE;
      b64 = parts[i] + strlen ("sha256//");
      if (strlen (b64) != 44 || b64[43] != '=')
        return FALSE;
      for (const char *p = b64; *p != '\0'; p++)
        if (!g_ascii_isalnum (*p) && *p != '+' && *p != '/' && *p != '=')
          return FALSE;
      raw = g_base64_decode (b64, &len);
      if (len != 32)
        return FALSE;
    }
  return parts[0] != NULL;
}

static gboolean
check_readable (const char  *path,
                const char  *what,
                GError     **error)
{
  if (g_access (path, R_OK) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_CONFIG,
                   _("Cannot read the %s file %s: %s"), what, path, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

static gboolean
is_set (const char *s)
{
  return s != NULL && *s != '\0';
}

static void
curl_init_once (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      curl_global_init (CURL_GLOBAL_DEFAULT);
      g_once_init_leave (&initialized, 1);
    }
}

MarHttpClient *
mar_http_client_new (const MarHttpConfig *config,
                     GError             **error)
{
  g_autoptr(MarHttpClient) client = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *base = NULL;

  g_return_val_if_fail (config != NULL, NULL);

  if (!is_set (config->base_url))
    {
      g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_CONFIG,
                   _("No FHIR server is configured ([server] url)"));
      return NULL;
    }
  uri = g_uri_parse (config->base_url, G_URI_FLAGS_NONE, NULL);
  /* Patient data and credentials travel only over verified TLS; there is
   * deliberately no way to allow http://, not even for tests. */
  if (uri == NULL || !is_https_uri (uri) || g_uri_get_userinfo (uri) != NULL ||
      g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    {
      g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_CONFIG,
                   _("The server address %s is not usable: an https:// URL without a user "
                     "name, query or fragment is required"), config->base_url);
      return NULL;
    }
  if (is_set (config->ca_file) && !check_readable (config->ca_file, _("CA certificate"), error))
    return NULL;
  if (is_set (config->pinned_key) && !is_valid_pin (config->pinned_key))
    {
      g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_CONFIG,
                   _("The public-key pin is not of the form sha256//<base64 of 32 bytes> "
                     "([server] pin)"));
      return NULL;
    }
  if (is_set (config->client_cert) != is_set (config->client_key))
    {
      g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_CONFIG,
                   _("A client certificate needs both [server] client-cert and client-key"));
      return NULL;
    }
  if (is_set (config->client_cert) &&
      (!check_readable (config->client_cert, _("client certificate"), error) ||
       !check_private_file (config->client_key, _("client key"), error)))
    return NULL;
  if (is_set (config->token_file) && is_set (config->token_url))
    {
      g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_CONFIG,
                   _("Use either a bearer token file or OAuth2 client credentials, not both"));
      return NULL;
    }
  if (is_set (config->token_file) && !check_private_file (config->token_file, _("token"), error))
    return NULL;

  client = g_new0 (MarHttpClient, 1);
  client->clock = default_clock;

  if (is_set (config->token_url))
    {
      g_autoptr(GUri) token_uri = g_uri_parse (config->token_url, G_URI_FLAGS_NONE, NULL);

      if (token_uri == NULL || !is_https_uri (token_uri) || g_uri_get_userinfo (token_uri) != NULL)
        {
          g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_CONFIG,
                       _("The OAuth2 token URL %s is not an https:// URL"), config->token_url);
          return NULL;
        }
      if (!is_set (config->client_id) || !is_set (config->client_secret_file))
        {
          g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_CONFIG,
                       _("OAuth2 needs [server] client-id and client-secret-file"));
          return NULL;
        }
      if (!check_private_file (config->client_secret_file, _("client secret"), error))
        return NULL;
      /* The pin names the FHIR server's key; an authorization server on
       * another host has its own key and is checked against the CA only. */
      client->token_url_same_origin = same_origin (uri, token_uri);
    }

  curl_init_once ();
  client->curl = curl_easy_init ();
  if (client->curl == NULL)
    {
      g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_CONFIG,
                   _("The HTTPS library could not be initialised"));
      return NULL;
    }

  base = g_strdup (config->base_url);
  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  client->base = g_steal_pointer (&base);
  client->host = g_strdup (g_uri_get_host (uri));
  client->base_uri = g_steal_pointer (&uri);
  client->config = mar_http_config_copy (config);
  return g_steal_pointer (&client);
}

void
mar_http_client_free (MarHttpClient *client)
{
  if (client == NULL)
    return;
  if (client->curl != NULL)
    curl_easy_cleanup (client->curl);
  g_clear_pointer (&client->base_uri, g_uri_unref);
  g_free (client->base);
  g_free (client->host);
  mar_secret_free (client->static_token);
  mar_secret_free (client->oauth_token);
  mar_http_config_free (client->config);
  g_free (client);
}

const char *
mar_http_client_get_base_url (MarHttpClient *client)
{
  g_return_val_if_fail (client != NULL, NULL);
  return client->base;
}

/* ------------------------------------------------------------------------ */
/* Targets                                                                  */

/* Whether @url is the base URL or below it: same scheme, host and port, and
 * a path under the base path. A Bundle.link elsewhere is not followed, so
 * the terminal's credentials never go to another address. */
static gboolean
is_under_base (MarHttpClient *client,
               const char    *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *base_path;
  const char *path;
  gsize base_len;

  if (uri == NULL || !is_https_uri (uri) || g_uri_get_userinfo (uri) != NULL ||
      !same_origin (uri, client->base_uri))
    return FALSE;
  base_path = g_uri_get_path (client->base_uri);
  path = g_uri_get_path (uri);
  base_len = strlen (base_path);
  while (base_len > 0 && base_path[base_len - 1] == '/')
    base_len--;
  return strncmp (path, base_path, base_len) == 0 &&
         (path[base_len] == '\0' || path[base_len] == '/');
}

static gboolean
has_scheme (const char *target)
{
  const char *colon = strstr (target, "://");

  if (colon == NULL)
    return FALSE;
  for (const char *p = target; p < colon; p++)
    if (!g_ascii_isalpha (*p))
      return FALSE;
  return colon > target;
}

static char *
resolve_target (MarHttpClient  *client,
                const char     *target,
                GError        **error)
{
  if (has_scheme (target))
    {
      if (!is_under_base (client, target))
        {
          g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_PROTOCOL,
                       _("The server %s sent a link to another address; it is not followed"),
                       client->host);
          return NULL;
        }
      return g_strdup (target);
    }
  while (*target == '/')
    target++;
  if (*target == '\0')
    return g_strdup (client->base);
  return g_strconcat (client->base, "/", target, NULL);
}

/* The resource type a target names, for logs: the first path segment after
 * the base ("MedicationAdministration" of "MedicationAdministration?…"). */
static char *
target_resource_type (MarHttpClient *client,
                      const char    *target)
{
  const char *rel = target;
  gsize len = 0;

  if (has_scheme (target))
    {
      g_autoptr(GUri) uri = g_uri_parse (target, G_URI_FLAGS_NONE, NULL);
      const char *base_path = g_uri_get_path (client->base_uri);
      const char *path = uri != NULL ? g_uri_get_path (uri) : "";

      if (g_str_has_prefix (path, base_path))
        path += strlen (base_path);
      while (*path == '/')
        path++;
      for (len = 0; path[len] != '\0' && path[len] != '/'; len++)
        ;
      if (len == 0)
        return g_strdup ("(base)");
      for (gsize i = 0; i < len; i++)
        if (!g_ascii_isalnum (path[i]) && path[i] != '_' && path[i] != '$')
          return g_strdup ("(other)");
      return g_strndup (path, len);
    }
  while (*rel == '/')
    rel++;
  for (len = 0; rel[len] != '\0' && rel[len] != '/' && rel[len] != '?'; len++)
    if (!g_ascii_isalnum (rel[len]) && rel[len] != '_' && rel[len] != '$')
      return g_strdup ("(other)");
  if (len == 0)
    return g_strdup ("(base)");
  return g_strndup (rel, len);
}

/* ------------------------------------------------------------------------ */
/* One transfer                                                             */

typedef struct
{
  GByteArray   *body;
  gsize         limit;
  gboolean      too_large;
  GCancellable *cancellable;
  char         *etag;
  char         *location;
  char         *content_type;
  char         *date;
  char         *retry_after;
} Transfer;

static void
transfer_clear_headers (Transfer *t)
{
  g_clear_pointer (&t->etag, g_free);
  g_clear_pointer (&t->location, g_free);
  g_clear_pointer (&t->content_type, g_free);
  g_clear_pointer (&t->date, g_free);
  g_clear_pointer (&t->retry_after, g_free);
}

static void
transfer_clear (Transfer *t)
{
  transfer_clear_headers (t);
  g_clear_pointer (&t->body, g_byte_array_unref);
}

static size_t
on_header (char   *buffer,
           size_t  size,
           size_t  nitems,
           void   *user_data)
{
  Transfer *t = user_data;
  gsize len = size * nitems;
  const char *colon;
  g_autofree char *name = NULL;
  char **slot = NULL;

  /* A new status line starts a new response (after 100 Continue, say):
   * only the final response's headers count. */
  if (len >= 5 && memcmp (buffer, "HTTP/", 5) == 0)
    {
      transfer_clear_headers (t);
      return len;
    }
  colon = memchr (buffer, ':', len);
  if (colon == NULL)
    return len;
  name = g_strndup (buffer, (gsize) (colon - buffer));
  if (g_ascii_strcasecmp (name, "ETag") == 0)
    slot = &t->etag;
  else if (g_ascii_strcasecmp (name, "Location") == 0)
    slot = &t->location;
  else if (g_ascii_strcasecmp (name, "Content-Type") == 0)
    slot = &t->content_type;
  else if (g_ascii_strcasecmp (name, "Date") == 0)
    slot = &t->date;
  else if (g_ascii_strcasecmp (name, "Retry-After") == 0)
    slot = &t->retry_after;
  if (slot != NULL)
    {
      g_free (*slot);
      *slot = g_strstrip (g_strndup (colon + 1, len - (gsize) (colon + 1 - buffer)));
    }
  return len;
}

static size_t
on_body (char   *ptr,
         size_t  size,
         size_t  nmemb,
         void   *user_data)
{
  Transfer *t = user_data;
  gsize len = size * nmemb;

  /* Checked as the data arrives, so a chunked answer without a length
   * cannot fill the memory either. Returning short aborts the transfer. */
  if (t->body->len + len > t->limit)
    {
      t->too_large = TRUE;
      return 0;
    }
  g_byte_array_append (t->body, (const guint8 *) ptr, (guint) len);
  return len;
}

static int
on_progress (void       *user_data,
             curl_off_t  dltotal,
             curl_off_t  dlnow,
             curl_off_t  ultotal,
             curl_off_t  ulnow)
{
  Transfer *t = user_data;

  return g_cancellable_is_cancelled (t->cancellable) ? 1 : 0;
}

/* TLS alerts that mean "the server did not accept our certificate". With
 * TLS 1.3 the server's verdict arrives after the handshake, so curl reports
 * it as a receive error (56), not a connect error (35). */
static gboolean
is_client_cert_alert (const char *text)
{
  return strstr (text, "alert certificate required") != NULL ||
         strstr (text, "alert bad certificate") != NULL ||
         strstr (text, "alert unknown ca") != NULL ||
         strstr (text, "alert certificate unknown") != NULL ||
         strstr (text, "alert certificate expired") != NULL ||
         strstr (text, "alert certificate revoked") != NULL;
}

/* Watches the TLS messages the server sends on a new connection. With TLS
 * 1.3 the server judges our client certificate after the handshake, and
 * when it refuses, its alert races the connection reset: the alert may never
 * be read. A connection that broke after the server asked for a certificate
 * and before it sent anything showing acceptance (a session ticket, any
 * application data) was refused for the certificate. */
static void
on_tls_message (int         write_p,
                int         version,
                int         content_type,
                const void *buf,
                size_t      len,
                SSL        *ssl,
                void       *arg)
{
  MarHttpClient *client = arg;
  const guint8 *bytes = buf;

  if (write_p || len == 0)
    return;
  switch (content_type)
    {
    case SSL3_RT_HANDSHAKE:
      if (bytes[0] == SSL3_MT_CERTIFICATE_REQUEST)
        client->tls_cert_requested = TRUE;
      else if (bytes[0] == SSL3_MT_NEWSESSION_TICKET)
        client->tls_server_accepted = TRUE;
      break;
    case SSL3_RT_INNER_CONTENT_TYPE:
      if (bytes[0] == SSL3_RT_APPLICATION_DATA)
        client->tls_server_accepted = TRUE;
      break;
    case SSL3_RT_APPLICATION_DATA:
      client->tls_server_accepted = TRUE;
      break;
    case SSL3_RT_ALERT:
      if (len >= 2)
        client->tls_alert = bytes[1];
      break;
    default:
      break;
    }
}

static CURLcode
on_ssl_ctx (CURL *curl,
            void *ssl_ctx,
            void *user_data)
{
  SSL_CTX_set_msg_callback (ssl_ctx, on_tls_message);
  SSL_CTX_set_msg_callback_arg (ssl_ctx, user_data);
  return CURLE_OK;
}

static gboolean
is_client_cert_refusal (MarHttpClient *client,
                        const char    *text)
{
  switch (client->tls_alert)
    {
    case SSL_AD_CERTIFICATE_REQUIRED:
    case SSL_AD_BAD_CERTIFICATE:
    case SSL_AD_UNKNOWN_CA:
    case SSL_AD_CERTIFICATE_UNKNOWN:
    case SSL_AD_CERTIFICATE_EXPIRED:
    case SSL_AD_CERTIFICATE_REVOKED:
      return TRUE;
    default:
      break;
    }
  return is_client_cert_alert (text) ||
         (client->tls_cert_requested && !client->tls_server_accepted);
}

static void
set_verify_error (MarHttpClient  *client,
                  GError        **error)
{
  long result = X509_V_OK;
  const char *text = client->error_buffer;

  curl_easy_getinfo (client->curl, CURLINFO_SSL_VERIFYRESULT, &result);
  /* curl checks the host name itself once OpenSSL has accepted the chain,
   * and reports a mismatch only in its message (with the result set to
   * X509_V_ERR_UNSPECIFIED by libcurl 7.88). */
  if (strstr (text, "target host name") != NULL)
    result = X509_V_ERR_HOSTNAME_MISMATCH;
  switch (result)
    {
    case X509_V_ERR_CERT_HAS_EXPIRED:
      g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_TLS_EXPIRED,
                   _("The server %s presented a certificate that has expired; "
                     "the server's certificate must be renewed"), client->host);
      return;
    case X509_V_ERR_CERT_NOT_YET_VALID:
      g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_TLS_EXPIRED,
                   _("The server %s presented a certificate that is not valid yet; "
                     "check this terminal's date and time"), client->host);
      return;
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_TLS_HOSTNAME,
                   _("The server's certificate is not issued for %s; "
                     "check [server] url or the server's certificate"), client->host);
      return;
    default:
      g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_TLS_UNTRUSTED,
                   _("The server %s presented a certificate this terminal does not trust (%s); "
                     "install the hospital's CA certificate ([server] ca-file)"),
                   client->host,
                   result != X509_V_OK ? X509_verify_cert_error_string (result) : text);
      return;
    }
}

static void
set_transport_error (MarHttpClient  *client,
                     CURLcode        code,
                     Transfer       *t,
                     GError        **error)
{
  const char *detail = *client->error_buffer != '\0' ? client->error_buffer
                                                     : curl_easy_strerror (code);

  switch (code)
    {
    case CURLE_ABORTED_BY_CALLBACK:
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));
      return;
    case CURLE_WRITE_ERROR:
    case CURLE_FILESIZE_EXCEEDED:
      if (t->too_large || code == CURLE_FILESIZE_EXCEEDED)
        {
          g_autofree char *limit = g_format_size (client->config->max_response_size);

          g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_TOO_LARGE,
                       _("The server's answer is larger than the limit of %s; "
                         "ask for smaller pages"), limit);
          return;
        }
      break;
    case CURLE_PEER_FAILED_VERIFICATION:
      set_verify_error (client, error);
      return;
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
      g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_TLS_PIN_MISMATCH,
                   _("The server %s presented a public key other than the pinned one "
                     "([server] pin). Ask IT before going on: the server's key was "
                     "replaced, or someone is intercepting the connection"), client->host);
      return;
    case CURLE_SSL_CACERT_BADFILE:
      g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_TLS_UNTRUSTED,
                   _("The CA certificate file cannot be used (%s); check [server] ca-file"),
                   detail);
      return;
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CLIENTCERT:
      g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_TLS_CLIENT_CERT,
                   _("This terminal's client certificate cannot be used (%s); "
                     "check [server] client-cert and client-key"), detail);
      return;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
      if (is_client_cert_refusal (client, detail))
        {
          g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_TLS_CLIENT_CERT,
                       _("The server %s did not accept this terminal's client certificate "
                         "(%s); check [server] client-cert and client-key"),
                       client->host, detail);
          return;
        }
      if (code == CURLE_SSL_CONNECT_ERROR)
        {
          g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_PROTOCOL,
                       _("A secure connection to %s could not be set up (%s)"),
                       client->host, detail);
          return;
        }
      g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_CONNECTION_LOST,
                   _("The connection to %s broke before the answer arrived (%s)"),
                   client->host, detail);
      return;
    case CURLE_PARTIAL_FILE:
      g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_BAD_RESPONSE,
                   _("The answer from %s was cut short"), client->host);
      return;
    case CURLE_BAD_CONTENT_ENCODING:
      g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_BAD_RESPONSE,
                   _("The answer from %s cannot be decompressed"), client->host);
      return;
    case CURLE_OPERATION_TIMEDOUT:
      g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_TIMEOUT,
                   _("The server %s did not answer within %u seconds"),
                   client->host, (client->config->timeout_ms + 999) / 1000);
      return;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
      g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_CONNECT,
                   _("Cannot reach the server %s (%s)"), client->host, detail);
      return;
    default:
      break;
    }
  g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_PROTOCOL,
               _("The exchange with %s failed (%s)"), client->host, detail);
}

#define SETOPT(opt, value) \
  G_STMT_START { \
    if (curl_easy_setopt (client->curl, opt, value) != CURLE_OK) \
      { \
        g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_CONFIG, \
                     _("The HTTPS library refused the setting %s"), #opt); \
        return FALSE; \
      } \
  } G_STMT_END

/* Sets every option for one transfer. The handle is reset first, which
 * keeps its connection and TLS session caches, so nothing from a previous
 * request (a header, a body, a method) leaks into this one. */
static gboolean
setup_transfer (MarHttpClient      *client,
                const char         *url,
                MarHttpMethod       method,
                const char         *body,
                gsize               body_len,
                struct curl_slist  *headers,
                gboolean            apply_pin,
                Transfer           *t,
                GError            **error)
{
  const MarHttpConfig *config = client->config;

  curl_easy_reset (client->curl);
  client->error_buffer[0] = '\0';
  client->tls_cert_requested = FALSE;
  client->tls_server_accepted = FALSE;
  client->tls_alert = -1;
  SETOPT (CURLOPT_ERRORBUFFER, client->error_buffer);
  SETOPT (CURLOPT_URL, url);
  SETOPT (CURLOPT_PROTOCOLS_STR, "https");
  SETOPT (CURLOPT_REDIR_PROTOCOLS_STR, "https");
  SETOPT (CURLOPT_FOLLOWLOCATION, 0L);
  SETOPT (CURLOPT_NOSIGNAL, 1L);
  SETOPT (CURLOPT_TCP_KEEPALIVE, 1L);

  /* Verification is the default and stays on; set anyway, explicitly. */
  SETOPT (CURLOPT_SSL_VERIFYPEER, 1L);
  SETOPT (CURLOPT_SSL_VERIFYHOST, 2L);
  SETOPT (CURLOPT_SSLVERSION, (long) CURL_SSLVERSION_TLSv1_2);
  SETOPT (CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
  SETOPT (CURLOPT_SSL_CTX_DATA, client);
  if (is_set (config->ca_file))
    {
      SETOPT (CURLOPT_CAINFO, config->ca_file);
      /* Debian's libcurl also reads /etc/ssl/certs by default: a configured
       * CA file means only that CA. */
      SETOPT (CURLOPT_CAPATH, NULL);
    }
  if (apply_pin && is_set (config->pinned_key))
    SETOPT (CURLOPT_PINNEDPUBLICKEY, config->pinned_key);
  if (is_set (config->client_cert))
    {
      SETOPT (CURLOPT_SSLCERTTYPE, "PEM");
      SETOPT (CURLOPT_SSLCERT, config->client_cert);
      SETOPT (CURLOPT_SSLKEYTYPE, "PEM");
      SETOPT (CURLOPT_SSLKEY, config->client_key);
    }
  /* No proxy unless one is configured: the environment's http_proxy must
   * not silently route patient data elsewhere. */
  SETOPT (CURLOPT_PROXY, is_set (config->proxy) ? config->proxy : "");

  SETOPT (CURLOPT_CONNECTTIMEOUT_MS, (long) config->connect_timeout_ms);
  SETOPT (CURLOPT_TIMEOUT_MS, (long) config->timeout_ms);
  SETOPT (CURLOPT_USERAGENT, config->user_agent);
  SETOPT (CURLOPT_ACCEPT_ENCODING, "");
  SETOPT (CURLOPT_MAXFILESIZE_LARGE, (curl_off_t) config->max_response_size);
  SETOPT (CURLOPT_HTTPHEADER, headers);

  SETOPT (CURLOPT_WRITEFUNCTION, on_body);
  SETOPT (CURLOPT_WRITEDATA, t);
  SETOPT (CURLOPT_HEADERFUNCTION, on_header);
  SETOPT (CURLOPT_HEADERDATA, t);
  SETOPT (CURLOPT_XFERINFOFUNCTION, on_progress);
  SETOPT (CURLOPT_XFERINFODATA, t);
  SETOPT (CURLOPT_NOPROGRESS, 0L);

  switch (method)
    {
    case MAR_HTTP_POST:
      SETOPT (CURLOPT_POST, 1L);
      SETOPT (CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) body_len);
      SETOPT (CURLOPT_POSTFIELDS, body != NULL ? body : "");
      break;
    case MAR_HTTP_PUT:
      SETOPT (CURLOPT_CUSTOMREQUEST, "PUT");
      SETOPT (CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) body_len);
      SETOPT (CURLOPT_POSTFIELDS, body != NULL ? body : "");
      break;
    case MAR_HTTP_GET:
    default:
      SETOPT (CURLOPT_HTTPGET, 1L);
      break;
    }
  return TRUE;
}

#undef SETOPT

/* Performs one exchange. TRUE when an HTTP answer arrived (any status). */
static gboolean
perform (MarHttpClient      *client,
         const char         *url,
         MarHttpMethod       method,
         const char         *body,
         gsize               body_len,
         struct curl_slist  *headers,
         gboolean            apply_pin,
         Transfer           *t,
         GCancellable       *cancellable,
         GError            **error)
{
  CURLcode code;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  t->body = g_byte_array_new ();
  t->limit = client->config->max_response_size;
  t->cancellable = cancellable;
  if (!setup_transfer (client, url, method, body, body_len, headers, apply_pin, t, error))
    return FALSE;
  code = curl_easy_perform (client->curl);
  /* The handle keeps pointers to our headers and body until the next reset. */
  curl_easy_setopt (client->curl, CURLOPT_HTTPHEADER, NULL);
  curl_easy_setopt (client->curl, CURLOPT_POSTFIELDS, NULL);
  if (code != CURLE_OK)
    {
      set_transport_error (client, code, t, error);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Responses                                                                */

void
mar_http_response_free (MarHttpResponse *response)
{
  if (response == NULL)
    return;
  g_free (response->content_type);
  g_free (response->etag);
  g_free (response->location);
  g_free (response->resource_id);
  g_free (response->version_id);
  g_clear_pointer (&response->body, g_bytes_unref);
  g_clear_pointer (&response->json, json_node_unref);
  g_free (response);
}

gboolean
mar_http_response_get_clock_skew (const MarHttpResponse *response,
                                  gint64                *skew)
{
  g_return_val_if_fail (response != NULL, FALSE);

  if (response->date <= 0)
    return FALSE;
  if (skew != NULL)
    *skew = response->date - response->received_at;
  return TRUE;
}

static gboolean
is_json_content_type (const char *type)
{
  return g_strcmp0 (type, "application/fhir+json") == 0 ||
         g_strcmp0 (type, "application/json") == 0 ||
         g_strcmp0 (type, "application/json+fhir") == 0;
}

static gboolean
json_depth_ok (const char *data,
               gsize       len)
{
  guint depth = 0;
  gboolean in_string = FALSE;
  gboolean escaped = FALSE;

  for (gsize i = 0; i < len; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (escaped)
            escaped = FALSE;
          else if (c == '\\')
            escaped = TRUE;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          if (++depth > MAX_JSON_DEPTH)
            return FALSE;
        }
      else if ((c == '}' || c == ']') && depth > 0)
        depth--;
    }
  return TRUE;
}

static JsonNode *
parse_json_object (GBytes  *bytes,
                   GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);
  JsonNode *root;

  if (!json_depth_ok (data, len))
    {
      g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_BAD_RESPONSE,
                   _("The server's answer nests deeper than a FHIR resource can"));
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, (gssize) len, &local_error))
    {
      g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_BAD_RESPONSE,
                   _("The server's answer is not valid JSON (%s)"), local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_BAD_RESPONSE,
                   _("The server's answer is JSON but not a FHIR resource"));
      return NULL;
    }
  return json_node_ref (root);
}

static const char *
object_get_string (JsonObject *object,
                   const char *member)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;
  node = json_object_get_member (object, member);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonObject *
object_get_object (JsonObject *object,
                   const char *member)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;
  node = json_object_get_member (object, member);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_node_get_object (node);
}

static JsonArray *
object_get_array (JsonObject *object,
                  const char *member)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;
  node = json_object_get_member (object, member);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  return json_node_get_array (node);
}

/* W/"3" or "3" → 3 (FHIR R4 http.html#versioning: the ETag carries the versionId). */
static char *
version_from_etag (const char *etag)
{
  const char *start;
  const char *end;

  if (etag == NULL)
    return NULL;
  if (g_str_has_prefix (etag, "W/"))
    etag += 2;
  start = strchr (etag, '"');
  if (start == NULL)
    return *etag != '\0' ? g_strdup (etag) : NULL;
  end = strchr (start + 1, '"');
  if (end == NULL || end == start + 1)
    return NULL;
  return g_strndup (start + 1, (gsize) (end - start - 1));
}

/* [base]/Type/id or [base]/Type/id/_history/vid → id. */
static char *
id_from_location (const char *location)
{
  g_autoptr(GUri) uri = NULL;
  g_auto(GStrv) segments = NULL;
  guint n;

  if (location == NULL)
    return NULL;
  uri = g_uri_parse (location, G_URI_FLAGS_NONE, NULL);
  segments = g_strsplit (uri != NULL ? g_uri_get_path (uri) : location, "/", -1);
  n = g_strv_length (segments);
  while (n > 0 && *segments[n - 1] == '\0')
    n--;
  if (n >= 4 && g_strcmp0 (segments[n - 2], "_history") == 0)
    return g_strdup (segments[n - 3]);
  if (n >= 2)
    return g_strdup (segments[n - 1]);
  return NULL;
}

static gint64
parse_http_date (const char *text)
{
  time_t t;

  if (text == NULL)
    return 0;
  t = curl_getdate (text, NULL);
  return t > 0 ? (gint64) t : 0;
}

/* RFC 9110 §10.2.3: seconds, or an HTTP-date. The date is measured against
 * the server's own Date header, so that a skewed terminal clock does not
 * turn "in 30 s" into "an hour ago" or "tomorrow". */
static gint64
parse_retry_after (const char *text,
                   gint64      server_date,
                   gint64      local_now)
{
  gint64 when;
  gint64 delta;

  if (text == NULL || *text == '\0')
    return -1;
  if (g_ascii_isdigit (*text))
    {
      guint64 seconds = 0;

      if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, &seconds, NULL))
        return -1;
      return (gint64) MIN (seconds, (guint64) MAX_RETRY_AFTER_S);
    }
  when = parse_http_date (text);
  if (when <= 0)
    return -1;
  delta = when - (server_date > 0 ? server_date : local_now);
  return CLAMP (delta, 0, MAX_RETRY_AFTER_S);
}

static MarHttpResponse *
build_response (MarHttpClient  *client,
                Transfer       *t,
                GError        **error)
{
  g_autoptr(MarHttpResponse) response = g_new0 (MarHttpResponse, 1);
  long status = 0;
  gsize len;

  curl_easy_getinfo (client->curl, CURLINFO_RESPONSE_CODE, &status);
  response->status = (guint) status;
  response->received_at = client_real_seconds (client);
  if (t->content_type != NULL)
    {
      char *semicolon = strchr (t->content_type, ';');

      response->content_type = g_ascii_strdown (t->content_type,
                                                semicolon != NULL ? semicolon - t->content_type : -1);
      g_strstrip (response->content_type);
    }
  response->etag = g_strdup (t->etag);
  response->location = g_strdup (t->location);
  response->date = parse_http_date (t->date);
  response->retry_after = parse_retry_after (t->retry_after, response->date, response->received_at);
  len = t->body->len;
  response->body = g_byte_array_free_to_bytes (g_steal_pointer (&t->body));

  if (len > 0 && is_json_content_type (response->content_type))
    {
      g_autoptr(GError) json_error = NULL;

      response->json = parse_json_object (response->body, &json_error);
      /* A broken error page does not hide the status; a broken 2xx is useless. */
      if (response->json == NULL && response->status >= 200 && response->status < 300)
        {
          g_propagate_error (error, g_steal_pointer (&json_error));
          return NULL;
        }
    }
  else if (len > 0 && response->status >= 200 && response->status < 300)
    {
      g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_BAD_RESPONSE,
                   _("The server %s answered with %s instead of FHIR JSON "
                     "(a proxy or a login page in between?)"),
                   client->host,
                   response->content_type != NULL ? response->content_type : _("no content type"));
      return NULL;
    }

  if (response->json != NULL)
    {
      JsonObject *object = json_node_get_object (response->json);
      const char *type = object_get_string (object, "resourceType");

      if (g_strcmp0 (type, "Bundle") != 0 && g_strcmp0 (type, "OperationOutcome") != 0)
        {
          response->resource_id = g_strdup (object_get_string (object, "id"));
          response->version_id = g_strdup (object_get_string (object_get_object (object, "meta"),
                                                              "versionId"));
        }
    }
  if (response->etag != NULL)
    {
      g_free (response->version_id);
      response->version_id = version_from_etag (response->etag);
    }
  if (response->resource_id == NULL)
    response->resource_id = id_from_location (response->location);
  return g_steal_pointer (&response);
}

/* ------------------------------------------------------------------------ */
/* OperationOutcome and Bundle helpers                                      */

static void
append_sanitized (GString    *out,
                  const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        g_string_append_c (out, ' ');
      else
        g_string_append_unichar (out, c);
    }
}

char *
mar_http_operation_outcome_to_string (JsonNode *node)
{
  JsonObject *object;
  JsonArray *issues;
  g_autoptr(GString) out = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  object = json_node_get_object (node);
  if (g_strcmp0 (object_get_string (object, "resourceType"), "OperationOutcome") != 0)
    return NULL;
  issues = object_get_array (object, "issue");
  out = g_string_new (NULL);
  for (guint i = 0; issues != NULL && i < json_array_get_length (issues); i++)
    {
      JsonNode *issue_node = json_array_get_element (issues, i);
      JsonObject *issue;
      JsonObject *details;
      const char *severity, *text, *diagnostics, *code;
      JsonArray *where;

      if (!JSON_NODE_HOLDS_OBJECT (issue_node))
        continue;
      issue = json_node_get_object (issue_node);
      details = object_get_object (issue, "details");
      severity = object_get_string (issue, "severity");
      code = object_get_string (issue, "code");
      text = object_get_string (details, "text");
      diagnostics = object_get_string (issue, "diagnostics");
      if (text == NULL)
        {
          JsonArray *codings = object_get_array (details, "coding");

          if (codings != NULL && json_array_get_length (codings) > 0 &&
              JSON_NODE_HOLDS_OBJECT (json_array_get_element (codings, 0)))
            text = object_get_string (json_array_get_object_element (codings, 0), "display");
        }

      if (out->len > 0)
        g_string_append (out, "; ");
      if (severity != NULL)
        {
          append_sanitized (out, severity);
          g_string_append (out, ": ");
        }
      if (text != NULL)
        append_sanitized (out, text);
      else if (diagnostics != NULL)
        append_sanitized (out, diagnostics);
      else if (code != NULL)
        append_sanitized (out, code);
      if (text != NULL && diagnostics != NULL)
        {
          g_string_append (out, " (");
          append_sanitized (out, diagnostics);
          g_string_append (out, ")");
        }
      where = object_get_array (issue, "expression");
      if (where == NULL)
        where = object_get_array (issue, "location");
      for (guint j = 0; where != NULL && j < json_array_get_length (where); j++)
        {
          JsonNode *w = json_array_get_element (where, j);

          if (!JSON_NODE_HOLDS_VALUE (w) || json_node_get_value_type (w) != G_TYPE_STRING)
            continue;
          g_string_append (out, j == 0 ? " at " : ", ");
          append_sanitized (out, json_node_get_string (w));
        }
    }
  if (out->len == 0)
    return NULL;
  if (g_utf8_strlen (out->str, -1) > MAX_OUTCOME_TEXT)
    {
      g_autofree char *cut = g_utf8_substring (out->str, 0, MAX_OUTCOME_TEXT);

      g_string_assign (out, cut);
      g_string_append (out, "…");
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

const char *
mar_http_bundle_get_next_link (JsonNode *bundle)
{
  JsonArray *links;

  if (bundle == NULL || !JSON_NODE_HOLDS_OBJECT (bundle))
    return NULL;
  links = object_get_array (json_node_get_object (bundle), "link");
  for (guint i = 0; links != NULL && i < json_array_get_length (links); i++)
    {
      JsonNode *link = json_array_get_element (links, i);

      if (JSON_NODE_HOLDS_OBJECT (link) &&
          g_strcmp0 (object_get_string (json_node_get_object (link), "relation"), "next") == 0)
        return object_get_string (json_node_get_object (link), "url");
    }
  return NULL;
}

gboolean
mar_http_response_check (const MarHttpResponse *response,
                         GError              **error)
{
  g_autofree char *outcome = NULL;
  g_autofree char *detail = NULL;
  guint status;

  g_return_val_if_fail (response != NULL, FALSE);

  status = response->status;
  if (status >= 200 && status < 300)
    return TRUE;
  outcome = mar_http_operation_outcome_to_string (response->json);
  detail = outcome != NULL ? g_strconcat (": ", outcome, NULL) : g_strdup ("");

  if (status == 401 || status == 403)
    g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_AUTH,
                 _("The server refused this terminal's credentials (HTTP %u)%s; "
                   "check [server] token-file or the OAuth2 client settings"), status, detail);
  else if (status == 404 || status == 410)
    g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_NOT_FOUND,
                 _("The server has no such resource (HTTP %u)%s"), status, detail);
  else if (status == 409 || status == 412)
    g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_CONFLICT,
                 _("The resource changed on the server since it was read (HTTP %u)%s"),
                 status, detail);
  else if (status == 429)
    {
      if (response->retry_after >= 0)
        g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_RATE_LIMITED,
                     _("The server is busy (HTTP 429) and asks to wait %" G_GINT64_FORMAT " s"),
                     response->retry_after);
      else
        g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_RATE_LIMITED,
                     _("The server is busy (HTTP 429)"));
    }
  else if (status >= 400 && status < 500)
    g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_CLIENT,
                 _("The server refused the request (HTTP %u)%s"), status, detail);
  else if (status >= 500 && status < 600)
    g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_SERVER,
                 _("The server had an error (HTTP %u)%s"), status, detail);
  else
    g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_PROTOCOL,
                 _("The server answered with HTTP %u, which is not a FHIR answer "
                   "(a redirect to another address?)"), status);
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Credentials                                                              */

static char *
form_escape (const char *text)
{
  /* RFC 6749 §2.3.1: client id and secret are form-encoded before Basic. */
  return g_uri_escape_string (text, NULL, FALSE);
}

/* Reads the token file again when it changed (another inode, size or
 * time stamp), so that IT can rotate the token without a restart. */
static gboolean
load_static_token (MarHttpClient  *client,
                   GError        **error)
{
  struct stat st;
  g_autoptr(MarSecret) token = NULL;

  if (client->static_token != NULL && stat (client->config->token_file, &st) == 0 &&
      st.st_ino == client->static_token_stat.st_ino &&
      st.st_size == client->static_token_stat.st_size &&
      st.st_mtim.tv_sec == client->static_token_stat.st_mtim.tv_sec &&
      st.st_mtim.tv_nsec == client->static_token_stat.st_mtim.tv_nsec &&
      st.st_ctim.tv_sec == client->static_token_stat.st_ctim.tv_sec &&
      st.st_ctim.tv_nsec == client->static_token_stat.st_ctim.tv_nsec)
    return TRUE;
  token = read_secret_file (client->config->token_file, _("token"), &st, error);
  if (token == NULL)
    return FALSE;
  mar_secret_free (client->static_token);
  client->static_token = g_steal_pointer (&token);
  client->static_token_stat = st;
  return TRUE;
}

static void
forget_oauth_token (MarHttpClient *client)
{
  g_clear_pointer (&client->oauth_token, mar_secret_free);
  client->oauth_refresh_at = 0;
}

/* RFC 6749 §4.4: client credentials grant, client authenticated by HTTP
 * Basic (§2.3.1). */
static gboolean
fetch_oauth_token (MarHttpClient  *client,
                   GCancellable   *cancellable,
                   GError        **error)
{
  const MarHttpConfig *config = client->config;
  g_autoptr(MarSecret) secret = NULL;
  g_autoptr(MarSecret) pair = NULL;
  g_autoptr(MarSecret) basic = NULL;
  g_autoptr(MarSecret) header = NULL;
  g_autofree char *escaped_id = NULL;
  g_autoptr(MarSecret) escaped_secret = NULL;
  g_autoptr(GString) form = g_string_new ("grant_type=client_credentials");
  g_autoptr(MarHttpResponse) response = NULL;
  g_autoptr(GError) local_error = NULL;
  struct curl_slist *headers = NULL;
  Transfer t = { 0 };
  gint64 started = client_monotonic (client);
  JsonObject *object;
  const char *token, *token_type;
  gint64 lifetime = DEFAULT_TOKEN_LIFETIME_S;
  gint64 margin;
  gboolean ok;

  secret = read_secret_file (config->client_secret_file, _("client secret"), NULL, error);
  if (secret == NULL)
    return FALSE;
  escaped_id = form_escape (config->client_id);
  escaped_secret = form_escape (secret);
  pair = g_strconcat (escaped_id, ":", escaped_secret, NULL);
  basic = g_base64_encode ((const guchar *) pair, strlen (pair));
  header = g_strconcat ("Authorization: Basic ", basic, NULL);
  if (is_set (config->scope))
    {
      g_autofree char *scope = form_escape (config->scope);

      g_string_append_printf (form, "&scope=%s", scope);
    }

  headers = curl_slist_append (headers, header);
  headers = curl_slist_append (headers, "Content-Type: application/x-www-form-urlencoded");
  headers = curl_slist_append (headers, "Accept: application/json");
  headers = curl_slist_append (headers, "Expect:");
  ok = perform (client, config->token_url, MAR_HTTP_POST, form->str, form->len, headers,
                client->token_url_same_origin, &t, cancellable, &local_error);
  free_secret_header_list (headers);
  if (ok)
    response = build_response (client, &t, &local_error);
  transfer_clear (&t);
  if (response == NULL)
    {
      log_exchange (G_LOG_LEVEL_INFO, "POST", "token", 0,
                    error_code_name (local_error->domain == MAR_HTTP_ERROR ? local_error->code : -1),
                    (client_monotonic (client) - started) / 1000, 1);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  log_exchange (G_LOG_LEVEL_DEBUG, "POST", "token", response->status,
                response->status == 200 ? "OK" : "refused",
                (client_monotonic (client) - started) / 1000, 1);

  object = response->json != NULL ? json_node_get_object (response->json) : NULL;
  if (response->status == 400 || response->status == 401 || response->status == 403)
    {
      const char *code = object_get_string (object, "error");
      const char *description = object_get_string (object, "error_description");

      g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_AUTH,
                   _("The authorization server refused this terminal's client credentials "
                     "(HTTP %u, %s%s%s); check [server] client-id and client-secret-file"),
                   response->status, code != NULL ? code : _("no reason given"),
                   description != NULL ? ": " : "", description != NULL ? description : "");
      return FALSE;
    }
  if (!mar_http_response_check (response, error))
    return FALSE;

  token = object_get_string (object, "access_token");
  token_type = object_get_string (object, "token_type");
  if (token == NULL || !is_header_safe_secret (token) ||
      token_type == NULL || g_ascii_strcasecmp (token_type, "Bearer") != 0)
    {
      g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_BAD_RESPONSE,
                   _("The authorization server's answer holds no usable bearer token"));
      return FALSE;
    }
  if (object != NULL && json_object_has_member (object, "expires_in"))
    {
      JsonNode *node = json_object_get_member (object, "expires_in");

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
        lifetime = json_node_get_int (node);
      else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_DOUBLE)
        lifetime = (gint64) json_node_get_double (node);
      if (lifetime <= 0)
        {
          g_set_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_BAD_RESPONSE,
                       _("The authorization server issued a token that has already expired"));
          return FALSE;
        }
    }

  forget_oauth_token (client);
  client->oauth_token = g_strdup (token);
  /* Measured from when we asked: the server's clock started before ours. */
  margin = MIN (TOKEN_REFRESH_MARGIN_S, lifetime / 2);
  client->oauth_refresh_at = started + (lifetime - margin) * G_USEC_PER_SEC;
  return TRUE;
}

/* The Authorization header for a FHIR request, or NULL without credentials.
 * @fetched is set when a new OAuth2 token was just obtained. */
static MarSecret *
authorization_header (MarHttpClient  *client,
                      gboolean       *fetched,
                      GCancellable   *cancellable,
                      GError        **error)
{
  *fetched = FALSE;
  if (is_set (client->config->token_url))
    {
      if (client->oauth_token == NULL || client_monotonic (client) >= client->oauth_refresh_at)
        {
          if (!fetch_oauth_token (client, cancellable, error))
            return NULL;
          *fetched = TRUE;
        }
      return g_strconcat ("Authorization: Bearer ", client->oauth_token, NULL);
    }
  if (is_set (client->config->token_file))
    {
      if (!load_static_token (client, error))
        return NULL;
      return g_strconcat ("Authorization: Bearer ", client->static_token, NULL);
    }
  return g_strdup ("");
}

/* ------------------------------------------------------------------------ */
/* Sending                                                                  */

static MarHttpResponse *
send_once (MarHttpClient         *client,
           const MarHttpRequest  *request,
           const char            *url,
           const char            *body,
           gsize                  body_len,
           const char            *auth,
           GCancellable          *cancellable,
           GError               **error)
{
  struct curl_slist *headers = NULL;
  g_autofree char *if_none_exist = NULL;
  g_autofree char *if_match = NULL;
  Transfer t = { 0 };
  MarHttpResponse *response = NULL;

  headers = curl_slist_append (headers, "Accept: application/fhir+json");
  if (request->method != MAR_HTTP_GET)
    {
      headers = curl_slist_append (headers, "Content-Type: application/fhir+json; charset=utf-8");
      headers = curl_slist_append (headers, "Prefer: return=representation");
      /* No 100-continue round trip: FHIR bodies are small. */
      headers = curl_slist_append (headers, "Expect:");
    }
  if (request->if_none_exist != NULL)
    {
      if_none_exist = g_strconcat ("If-None-Exist: ", request->if_none_exist, NULL);
      headers = curl_slist_append (headers, if_none_exist);
    }
  if (request->if_match != NULL)
    {
      if_match = g_strdup_printf ("If-Match: W/\"%s\"", request->if_match);
      headers = curl_slist_append (headers, if_match);
    }
  if (*auth != '\0')
    headers = curl_slist_append (headers, auth);

  if (perform (client, url, request->method, body, body_len, headers, TRUE, &t,
               cancellable, error))
    response = build_response (client, &t, error);
  free_secret_header_list (headers);
  transfer_clear (&t);
  return response;
}

static gboolean
is_header_safe (const char *value)
{
  for (const char *p = value; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      return FALSE;
  return TRUE;
}

MarHttpResponse *
mar_http_client_send (MarHttpClient         *client,
                      const MarHttpRequest  *request,
                      GCancellable          *cancellable,
                      GError               **error)
{
  g_autofree char *url = NULL;
  g_autofree char *body = NULL;
  g_autofree char *what = NULL;
  g_autoptr(MarSecret) auth = NULL;
  g_autoptr(MarHttpResponse) response = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize body_len = 0;
  gboolean fetched = FALSE;
  gint64 started;

  g_return_val_if_fail (client != NULL, NULL);
  g_return_val_if_fail (request != NULL && request->target != NULL, NULL);
  /* Header values come from our own identifiers and versions; a line break
   * in one would be a bug, never data. */
  g_return_val_if_fail (request->if_none_exist == NULL || is_header_safe (request->if_none_exist), NULL);
  g_return_val_if_fail (request->if_match == NULL ||
                        (is_header_safe (request->if_match) && strchr (request->if_match, '"') == NULL),
                        NULL);

  started = client_monotonic (client);
  what = target_resource_type (client, request->target);
  url = resolve_target (client, request->target, error);
  if (url == NULL)
    return NULL;
  if (request->body != NULL)
    {
      body = json_to_string (request->body, FALSE);
      body_len = strlen (body);
    }

  auth = authorization_header (client, &fetched, cancellable, &local_error);
  if (auth != NULL)
    response = send_once (client, request, url, body, body_len, auth, cancellable, &local_error);

  /* An OAuth2 token the server no longer accepts (revoked, or its clock
   * runs ahead of ours) is replaced once, right away. */
  if (response != NULL && response->status == 401 && is_set (client->config->token_url) && !fetched)
    {
      g_clear_pointer (&response, mar_http_response_free);
      g_clear_pointer (&auth, mar_secret_free);
      forget_oauth_token (client);
      auth = authorization_header (client, &fetched, cancellable, &local_error);
      if (auth != NULL)
        response = send_once (client, request, url, body, body_len, auth, cancellable, &local_error);
    }

  if (response == NULL)
    {
      log_exchange (G_LOG_LEVEL_INFO, method_name (request->method), what, 0,
                    local_error->domain == MAR_HTTP_ERROR ? error_code_name (local_error->code)
                                                          : "cancelled",
                    (client_monotonic (client) - started) / 1000, 1);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  log_exchange (G_LOG_LEVEL_DEBUG, method_name (request->method), what, response->status,
                response->status < 300 ? "OK" : "HTTP error",
                (client_monotonic (client) - started) / 1000, 1);
  return g_steal_pointer (&response);
}

/* ------------------------------------------------------------------------ */
/* Retrying                                                                 */

void
mar_http_retry_policy_init_default (MarHttpRetryPolicy *policy)
{
  g_return_if_fail (policy != NULL);
  policy->max_attempts = 5;
  policy->max_total_ms = 120000;
  policy->initial_delay_ms = 1000;
  policy->max_delay_ms = 30000;
}

/* Exponential backoff with "equal jitter": half the step fixed, half random,
 * so terminals that failed together do not come back together. */
static gint64
backoff_usec (const MarHttpRetryPolicy *policy,
              guint                     retry)
{
  gint64 step = policy->initial_delay_ms;

  for (guint i = 1; i < retry && step < policy->max_delay_ms; i++)
    step *= 2;
  step = MIN (step, policy->max_delay_ms) * 1000;
  return step / 2 + (gint64) g_random_double_range (0, (double) step / 2);
}

MarHttpResponse *
mar_http_client_request (MarHttpClient            *client,
                         const MarHttpRequest     *request,
                         const MarHttpRetryPolicy *policy,
                         GCancellable             *cancellable,
                         GError                  **error)
{
  g_autofree char *what = NULL;
  gint64 started;

  g_return_val_if_fail (client != NULL, NULL);
  g_return_val_if_fail (request != NULL && request->target != NULL, NULL);

  what = target_resource_type (client, request->target);
  started = client_monotonic (client);
  for (guint attempt = 1;; attempt++)
    {
      g_autoptr(MarHttpResponse) response = NULL;
      g_autoptr(GError) local_error = NULL;
      gint64 delay;
      gint64 retry_after = -1;

      response = mar_http_client_send (client, request, cancellable, &local_error);
      if (response != NULL && mar_http_response_check (response, &local_error))
        return g_steal_pointer (&response);
      if (response != NULL)
        retry_after = response->retry_after;

      if (policy == NULL || attempt >= policy->max_attempts ||
          !mar_http_error_is_transient (local_error))
        {
          if (policy != NULL && attempt > 1 && mar_http_error_is_transient (local_error))
            g_prefix_error (&local_error, _("Gave up after %u attempts: "), attempt);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      /* RFC 9110 §10.2.3: the server says when to come back (429, 503). */
      delay = retry_after >= 0 ? retry_after * G_USEC_PER_SEC : backoff_usec (policy, attempt);
      if (client_monotonic (client) - started + delay > policy->max_total_ms * 1000)
        {
          g_prefix_error (&local_error, _("Gave up after %u attempts: "), attempt);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      log_exchange (G_LOG_LEVEL_INFO, method_name (request->method), what,
                    response != NULL ? response->status : 0,
                    error_code_name (local_error->code), delay / 1000, attempt);
      if (!client->clock.sleep (delay, cancellable, client->clock.user_data))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));
          return NULL;
        }
    }
}

MarHttpResponse *
mar_http_client_get (MarHttpClient            *client,
                     const char               *target,
                     const MarHttpRetryPolicy *policy,
                     GCancellable             *cancellable,
                     GError                  **error)
{
  MarHttpRequest request = { .method = MAR_HTTP_GET, .target = target };

  return mar_http_client_request (client, &request, policy, cancellable, error);
}

MarHttpResponse *
mar_http_client_create (MarHttpClient            *client,
                        const char               *resource_type,
                        JsonNode                 *resource,
                        const char               *if_none_exist,
                        const MarHttpRetryPolicy *policy,
                        GCancellable             *cancellable,
                        GError                  **error)
{
  MarHttpRequest request = {
    .method = MAR_HTTP_POST,
    .target = resource_type,
    .body = resource,
    .if_none_exist = if_none_exist,
  };

  g_return_val_if_fail (resource_type != NULL && resource != NULL, NULL);
  return mar_http_client_request (client, &request, policy, cancellable, error);
}

MarHttpResponse *
mar_http_client_update (MarHttpClient            *client,
                        const char               *resource_type,
                        const char               *id,
                        JsonNode                 *resource,
                        const char               *version_id,
                        const MarHttpRetryPolicy *policy,
                        GCancellable             *cancellable,
                        GError                  **error)
{
  g_autofree char *escaped_id = NULL;
  g_autofree char *target = NULL;
  MarHttpRequest request = {
    .method = MAR_HTTP_PUT,
    .body = resource,
    .if_match = version_id,
  };

  g_return_val_if_fail (resource_type != NULL && id != NULL && resource != NULL, NULL);
  escaped_id = g_uri_escape_string (id, NULL, FALSE);
  target = g_strconcat (resource_type, "/", escaped_id, NULL);
  request.target = target;
  return mar_http_client_request (client, &request, policy, cancellable, error);
}
