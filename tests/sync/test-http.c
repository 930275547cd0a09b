/* test-http.c — the HTTPS client against a real FHIR R4 server
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each test makes its own certificates (tests/fhir-server/make-certs.sh) in
 * a temporary directory, starts its own server (tests/fhir-server/server.mjs:
 * Medplum's FHIR router on Node, installed by tools/install-test-tools) on a
 * free port of 127.0.0.1, and stops it afterwards. Faults are injected
 * through the server's /__admin endpoints. Retry delays and token lifetimes
 * are checked on a fake clock: nothing here waits for real except the
 * client-timeout test (one second).
 */

#include "config.h"

#include <curl/curl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <string.h>

#include "mar-http.h"
#include "mar-time.h"

/* ------------------------------------------------------------------------ */
/* The fake clock                                                           */

typedef struct
{
  gint64        monotonic;
  GArray       *sleeps;          /* (element-type gint64) requested waits, µs */
  GCancellable *cancel_on_sleep; /* cancelled at the first wait, when set */
} FakeClock;

static gint64
fake_real_time (gpointer user_data)
{
  return g_get_real_time ();
}

static gint64
fake_monotonic_time (gpointer user_data)
{
  FakeClock *clock = user_data;

  return clock->monotonic;
}

static gboolean
fake_sleep (gint64        usec,
            GCancellable *cancellable,
            gpointer      user_data)
{
  FakeClock *clock = user_data;

  g_array_append_val (clock->sleeps, usec);
  if (clock->cancel_on_sleep != NULL)
    {
      g_cancellable_cancel (clock->cancel_on_sleep);
      return FALSE;
    }
  clock->monotonic += usec;
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* The server                                                               */

typedef struct
{
  const char *certificate;  /* "server" (default), "expired", "wronghost" */
  gboolean    mtls;
  gboolean    bearer;
  gboolean    oauth;
  guint       token_lifetime;
  gboolean    journal;
  const char *seed;         /* a file under tests/data/shared */
} ServerOptions;

static const ServerOptions plain_server = { 0 };
static const ServerOptions expired_server = { .certificate = "expired" };
static const ServerOptions wronghost_server = { .certificate = "wronghost" };
static const ServerOptions mtls_server = { .mtls = TRUE };
static const ServerOptions bearer_server = { .bearer = TRUE };
static const ServerOptions oauth_server = { .oauth = TRUE, .token_lifetime = 120 };
static const ServerOptions journal_server = { .journal = TRUE };
static const ServerOptions seeded_server = {
  .seed = "fhir-r4/synthea-bulk-10-patients/Patient.000.ndjson",
};

#define BEARER_TOKEN   "tok-3f9a1c0d5e7b"
#define OAUTH_CLIENT   "bedside terminal 01"
/* Characters that RFC 6749 §2.3.1 form-encoding must carry through Basic. */
#define OAUTH_SECRET   "s3cret+with/odd=chars:%"

typedef struct
{
  const ServerOptions *options;
  char                *dir;
  char                *pin;
  GSubprocess         *server;
  guint                port;
  char                *base_url;
  FakeClock            clock;
} Fixture;

static char *
server_file (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "fhir-server", name, NULL);
}

/* What the test needs and CI installs: Node and the server's npm packages.
 * Missing ones fail the run, loudly: a skipped sync test proves nothing. */
static char *
missing_prerequisite (void)
{
  const char *node = g_getenv ("MAR_TEST_NODE");
  g_autofree char *modules = server_file ("node_modules/@medplum/fhir-router/package.json");

  if (node == NULL || *node == '\0')
    return g_strdup ("node was not found when the build was configured; install Node.js "
                     "(>= 20.19) and run tools/install-test-tools, then reconfigure");
  if (!g_file_test (modules, G_FILE_TEST_EXISTS))
    return g_strdup_printf ("%s is missing: run tools/install-test-tools", modules);
  return NULL;
}

static char *
path_in (Fixture    *f,
         const char *name)
{
  return g_build_filename (f->dir, name, NULL);
}

static void
write_file (const char *path,
            const char *contents,
            int         mode)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
}

static void
make_certificates (Fixture *f)
{
  g_autofree char *script = server_file ("make-certs.sh");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "/bin/sh", script, f->dir, NULL };
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("make-certs.sh failed: %s", err);
  f->pin = g_strstrip (g_steal_pointer (&out));
  g_assert_true (g_str_has_prefix (f->pin, "sha256//"));
}

static void
on_ready_line (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  char **line = user_data;
  g_autoptr(GError) error = NULL;
  char *text = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result, NULL, &error);

  *line = text != NULL ? text : g_strdup ("");
}

static gboolean
on_ready_timeout (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* A failed assertion aborts the test program; its server must not outlive
 * it (and keep meson waiting on the output it inherited). */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* Starts the server on @port (0: any free port) and waits for its
 * {"ready":true,"port":N} line. */
static void
start_server (Fixture *f,
              guint    port)
{
  const ServerOptions *o = f->options;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *line = NULL;
  const char *cert = o->certificate != NULL ? o->certificate : "server";
  gboolean timed_out = FALSE;
  guint timeout_id;

  g_ptr_array_add (argv, g_strdup (g_getenv ("MAR_TEST_NODE")));
  g_ptr_array_add (argv, server_file ("server.mjs"));
  g_ptr_array_add (argv, g_strdup ("--cert"));
  g_ptr_array_add (argv, g_strdup_printf ("%s/%s.pem", f->dir, cert));
  g_ptr_array_add (argv, g_strdup ("--key"));
  g_ptr_array_add (argv, g_strdup_printf ("%s/%s.key", f->dir, cert));
  g_ptr_array_add (argv, g_strdup ("--port"));
  g_ptr_array_add (argv, g_strdup_printf ("%u", port));
  if (o->mtls)
    {
      g_ptr_array_add (argv, g_strdup ("--client-ca"));
      g_ptr_array_add (argv, path_in (f, "ca.pem"));
    }
  if (o->bearer)
    {
      g_ptr_array_add (argv, g_strdup ("--token-file"));
      g_ptr_array_add (argv, path_in (f, "server-token"));
    }
  if (o->oauth)
    {
      g_ptr_array_add (argv, g_strdup ("--oauth-client-id"));
      g_ptr_array_add (argv, g_strdup (OAUTH_CLIENT));
      g_ptr_array_add (argv, g_strdup ("--oauth-secret-file"));
      g_ptr_array_add (argv, path_in (f, "server-secret"));
      g_ptr_array_add (argv, g_strdup ("--token-lifetime"));
      g_ptr_array_add (argv, g_strdup_printf ("%u", o->token_lifetime));
    }
  if (o->journal)
    {
      g_ptr_array_add (argv, g_strdup ("--state"));
      g_ptr_array_add (argv, path_in (f, "state.ndjson"));
    }
  if (o->seed != NULL)
    {
      g_ptr_array_add (argv, g_strdup ("--seed"));
      g_ptr_array_add (argv, g_test_build_filename (G_TEST_DIST, "data", "shared", o->seed, NULL));
    }
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  f->server = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->server));
  g_data_input_stream_read_line_async (out, G_PRIORITY_DEFAULT, NULL, on_ready_line, &line);
  /* Generous: Node loads the FHIR definitions in about a second. */
  timeout_id = g_timeout_add_seconds (60, on_ready_timeout, &timed_out);
  while (line == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timeout_id);
  else
    {
      /* Let the pending read finish on the closed pipe before we go. */
      g_subprocess_force_exit (f->server);
      while (line == NULL)
        g_main_context_iteration (NULL, TRUE);
    }
  if (timed_out || *line == '\0' || !json_parser_load_from_data (parser, line, -1, NULL))
    g_error ("The test FHIR server did not start (see its messages above); "
             "if its packages are missing, run tools/install-test-tools");

  f->port = (guint) json_object_get_int_member (json_node_get_object (json_parser_get_root (parser)), "port");
  g_assert_cmpuint (f->port, >, 0);
  g_free (f->base_url);
  f->base_url = g_strdup_printf ("https://127.0.0.1:%u/fhir", f->port);
}

static void
stop_server (Fixture *f)
{
  if (f->server == NULL)
    return;
  g_subprocess_force_exit (f->server);
  g_subprocess_wait (f->server, NULL, NULL);
  g_clear_object (&f->server);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->options = data;
  f->dir = g_dir_make_tmp ("mar-test-http-XXXXXX", &error);
  g_assert_no_error (error);
  make_certificates (f);
  {
    g_autofree char *server_token = path_in (f, "server-token");
    g_autofree char *client_token = path_in (f, "client-token");
    g_autofree char *server_secret = path_in (f, "server-secret");
    g_autofree char *client_secret = path_in (f, "client-secret");

    write_file (server_token, BEARER_TOKEN "\n", 0600);
    write_file (client_token, BEARER_TOKEN "\n", 0600);
    write_file (server_secret, OAUTH_SECRET "\n", 0600);
    write_file (client_secret, OAUTH_SECRET "\n", 0600);
  }
  f->clock.sleeps = g_array_new (FALSE, FALSE, sizeof (gint64));
  f->clock.monotonic = 1000 * G_USEC_PER_SEC;
  start_server (f, 0);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  stop_server (f);
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->pin);
  g_free (f->base_url);
  g_array_unref (f->clock.sleeps);
}

/* ------------------------------------------------------------------------ */
/* Admin requests, with libcurl directly: they must work whatever the client
 * under test is configured (or misconfigured) to do. */

static size_t
collect (char   *ptr,
         size_t  size,
         size_t  nmemb,
         void   *user_data)
{
  g_string_append_len (user_data, ptr, (gssize) (size * nmemb));
  return size * nmemb;
}

static JsonNode *
admin (Fixture    *f,
       const char *method,
       const char *path,
       const char *body)
{
  CURL *curl = curl_easy_init ();
  g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u/__admin/%s", f->port, path);
  g_autofree char *ca = path_in (f, "ca.pem");
  g_autofree char *cert = path_in (f, "client.pem");
  g_autofree char *key = path_in (f, "client.key");
  g_autoptr(GString) reply = g_string_new (NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  long status = 0;
  CURLcode code;

  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_CAINFO, ca);
  curl_easy_setopt (curl, CURLOPT_PROXY, "");
  if (f->options->mtls)
    {
      curl_easy_setopt (curl, CURLOPT_SSLCERT, cert);
      curl_easy_setopt (curl, CURLOPT_SSLKEY, key);
    }
  curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, method);
  if (body != NULL)
    curl_easy_setopt (curl, CURLOPT_POSTFIELDS, body);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, reply);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, 60L);
  code = curl_easy_perform (curl);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup (curl);
  if (code != CURLE_OK)
    g_error ("admin %s %s: %s", method, path, curl_easy_strerror (code));
  g_assert_cmpint (status, ==, 200);
  json_parser_load_from_data (parser, reply->str, (gssize) reply->len, &error);
  g_assert_no_error (error);
  return json_node_ref (json_parser_get_root (parser));
}

static void
inject (Fixture    *f,
        const char *fault_json)
{
  json_node_unref (admin (f, "POST", "faults", fault_json));
}

/* How many current resources of @type carry @identifier (system|value). */
static gint64
server_count (Fixture    *f,
              const char *type,
              const char *identifier)
{
  g_autofree char *escaped = g_uri_escape_string (identifier, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("count?type=%s&identifier=%s", type, escaped);
  g_autoptr(JsonNode) reply = admin (f, "GET", path, NULL);

  return json_object_get_int_member (json_node_get_object (reply), "count");
}

/* How many requests the server saw for @method and a path starting with @path. */
static guint
server_requests (Fixture    *f,
                 const char *method,
                 const char *path)
{
  g_autoptr(JsonNode) reply = admin (f, "GET", "requests", NULL);
  JsonArray *requests = json_object_get_array_member (json_node_get_object (reply), "requests");
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (requests); i++)
    {
      JsonObject *r = json_array_get_object_element (requests, i);

      if (g_str_equal (json_object_get_string_member (r, "method"), method) &&
          g_str_has_prefix (json_object_get_string_member (r, "path"), path))
        n++;
    }
  return n;
}

/* ------------------------------------------------------------------------ */
/* Clients                                                                  */

static MarHttpConfig *
new_config (Fixture *f)
{
  MarHttpConfig *config = mar_http_config_new (f->base_url);

  config->ca_file = path_in (f, "ca.pem");
  config->timeout_ms = 30000;
  return config;
}

static MarHttpClient *
new_client (Fixture       *f,
            MarHttpConfig *config)
{
  g_autoptr(GError) error = NULL;
  MarHttpClient *client = mar_http_client_new (config, &error);
  MarHttpClock clock = {
    .real_time = fake_real_time,
    .monotonic_time = fake_monotonic_time,
    .sleep = fake_sleep,
    .user_data = &f->clock,
  };

  g_assert_no_error (error);
  mar_http_client_set_clock (client, &clock);
  return client;
}

static MarHttpClient *
default_client (Fixture *f)
{
  g_autoptr(MarHttpConfig) config = new_config (f);

  return new_client (f, config);
}

static JsonNode *
json (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

static JsonNode *
patient (const char *mrn)
{
  g_autofree char *text = g_strdup_printf (
    "{\"resourceType\":\"Patient\",\"active\":true,"
    "\"identifier\":[{\"system\":\"urn:oid:2.16.840.1.113883.19.5\",\"value\":\"%s\"}]}", mrn);

  return json (text);
}

#define ADMINISTRATION_UUID "urn:uuid:6f1c1a2e-4b7d-4c9a-9e51-0d2f8a3b7c11"
#define ADMINISTRATION_QUERY "identifier=urn:ietf:rfc:3986|" ADMINISTRATION_UUID

static JsonNode *
administration (void)
{
  return json ("{\"resourceType\":\"MedicationAdministration\","
               "\"identifier\":[{\"system\":\"urn:ietf:rfc:3986\",\"value\":\"" ADMINISTRATION_UUID "\"}],"
               "\"status\":\"in-progress\","
               "\"medicationCodeableConcept\":{\"coding\":[{\"system\":\"http://www.nlm.nih.gov/research/umls/rxnorm\",\"code\":\"11124\"}]},"
               "\"subject\":{\"reference\":\"Patient/p1\"},"
               "\"effectivePeriod\":{\"start\":\"2026-11-22T12:00:00Z\"}}");
}

static const char *
response_string (MarHttpResponse *response,
                 const char      *member)
{
  g_assert_nonnull (response->json);
  return json_object_get_string_member (json_node_get_object (response->json), member);
}

static void
assert_get_fails (Fixture       *f,
                  MarHttpClient *client,
                  const char    *target,
                  int            code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarHttpResponse) response = mar_http_client_get (client, target, NULL, NULL, &error);

  g_assert_null (response);
  g_assert_error (error, MAR_HTTP_ERROR, code);
  g_test_message ("%s", error->message);
}

static void
assert_get_works (MarHttpClient *client,
                  const char    *target)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarHttpResponse) response = mar_http_client_get (client, target, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_nonnull (response->json);
}

/* ------------------------------------------------------------------------ */
/* TLS                                                                      */

static void
test_tls_test_ca (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(MarHttpClient) client = default_client (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(MarHttpResponse) response = mar_http_client_get (client, "metadata", NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (response->content_type, ==, "application/fhir+json");
  g_assert_cmpstr (response_string (response, "resourceType"), ==, "CapabilityStatement");
  g_assert_cmpstr (response_string (response, "fhirVersion"), ==, "4.0.1");
}

static void
test_tls_system_store (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(MarHttpConfig) config = new_config (f);
  g_autoptr(MarHttpClient) client = NULL;

  /* No CA file: the system store, which does not know the test CA. */
  g_clear_pointer (&config->ca_file, g_free);
  client = new_client (f, config);
  assert_get_fails (f, client, "metadata", MAR_HTTP_ERROR_TLS_UNTRUSTED);
  g_assert_cmpuint (server_requests (f, "GET", "metadata"), ==, 0);
}

static void
test_tls_other_ca (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(MarHttpConfig) config = new_config (f);
  g_autoptr(MarHttpClient) client = NULL;

  g_free (config->ca_file);
  config->ca_file = path_in (f, "other-ca.pem");
  client = new_client (f, config);
  assert_get_fails (f, client, "metadata", MAR_HTTP_ERROR_TLS_UNTRUSTED);
}

static void
test_tls_expired (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(MarHttpClient) client = default_client (f);

  assert_get_fails (f, client, "metadata", MAR_HTTP_ERROR_TLS_EXPIRED);
}

static void
test_tls_wrong_host (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(MarHttpClient) client = default_client (f);

  assert_get_fails (f, client, "metadata", MAR_HTTP_ERROR_TLS_HOSTNAME);
}

static void
test_tls_localhost_name (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(MarHttpConfig) config = new_config (f);
  g_autoptr(MarHttpClient) client = NULL;

  /* The certificate names localhost too (a DNS name, not an IP address). */
  g_free (config->base_url);
  config->base_url = g_strdup_printf ("https://localhost:%u/fhir/", f->port);
  client = new_client (f, config);
  assert_get_works (client, "metadata");
}

static void
test_tls_pin_right (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(MarHttpConfig) config = new_config (f);
  g_autoptr(MarHttpClient) client = NULL;

  config->pinned_key = g_strdup (f->pin);
  client = new_client (f, config);
  assert_get_works (client, "metadata");
}

static void
test_tls_pin_wrong (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(MarHttpConfig) config = new_config (f);
  g_autoptr(MarHttpClient) client = NULL;

  /* A well-formed pin of another key (32 zero bytes). */
  config->pinned_key = g_strdup ("sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
  client = new_client (f, config);
  assert_get_fails (f, client, "metadata", MAR_HTTP_ERROR_TLS_PIN_MISMATCH);
}

static void
test_tls_pin_one_of_several (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(MarHttpConfig) config = new_config (f);
  g_autoptr(MarHttpClient) client = NULL;

  /* The next key is pinned ahead of a planned renewal. */
  config->pinned_key = g_strdup_printf ("sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=;%s", f->pin);
  client = new_client (f, config);
  assert_get_works (client, "metadata");
}

static void
test_tls_mtls_with_certificate (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(MarHttpConfig) config = new_config (f);
  g_autoptr(MarHttpClient) client = NULL;

  config->client_cert = path_in (f, "client.pem");
  config->client_key = path_in (f, "client.key");
  client = new_client (f, config);
  assert_get_works (client, "metadata");
}

static void
test_tls_mtls_without_certificate (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(MarHttpClient) client = default_client (f);

  assert_get_fails (f, client, "metadata", MAR_HTTP_ERROR_TLS_CLIENT_CERT);
}

static void
test_tls_mtls_unknown_certificate (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(MarHttpConfig) config = new_config (f);
  g_autoptr(MarHttpClient) client = NULL;

  config->client_cert = path_in (f, "other-client.pem");
  config->client_key = path_in (f, "other-client.key");
  client = new_client (f, config);
  assert_get_fails (f, client, "metadata", MAR_HTTP_ERROR_TLS_CLIENT_CERT);
}

/* ------------------------------------------------------------------------ */
/* Configuration refused before any connection                              */

static void
assert_config_refused (MarHttpConfig *config,
                       const char    *needle)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarHttpClient) client = mar_http_client_new (config, &error);

  g_assert_null (client);
  g_assert_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_CONFIG);
  g_test_message ("%s", error->message);
  if (needle != NULL)
    g_assert_nonnull (strstr (error->message, needle));
}

static void
test_config_https_only (void)
{
  g_autoptr(MarHttpConfig) plain = mar_http_config_new ("http://127.0.0.1:8080/fhir");
  g_autoptr(MarHttpConfig) other = mar_http_config_new ("ftp://fhir.example.org/");
  g_autoptr(MarHttpConfig) userinfo = mar_http_config_new ("https://me:pw@fhir.example.org/");
  g_autoptr(MarHttpConfig) empty = mar_http_config_new ("");

  assert_config_refused (plain, "https://");
  assert_config_refused (other, "https://");
  assert_config_refused (userinfo, "https://");
  assert_config_refused (empty, NULL);
}

static void
test_config_bad_pin (void)
{
  g_autoptr(MarHttpConfig) config = mar_http_config_new ("https://fhir.example.org/r4");

  config->pinned_key = g_strdup ("sha1//AAAA");
  assert_config_refused (config, "pin");
  g_free (config->pinned_key);
  config->pinned_key = g_strdup ("sha256//not-base64-at-all");
  assert_config_refused (config, "pin");
}

static void
test_config_world_readable_secrets (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mar-test-http-XXXXXX", &error);
  g_autofree char *token = g_build_filename (dir, "token", NULL);
  g_autofree char *cert = g_build_filename (dir, "client.pem", NULL);
  g_autofree char *key = g_build_filename (dir, "client.key", NULL);
  g_autofree char *secret = g_build_filename (dir, "secret", NULL);
  g_autoptr(MarHttpConfig) with_token = mar_http_config_new ("https://fhir.example.org/r4");
  g_autoptr(MarHttpConfig) with_key = mar_http_config_new ("https://fhir.example.org/r4");
  g_autoptr(MarHttpConfig) with_secret = mar_http_config_new ("https://fhir.example.org/r4");
  g_autoptr(MarHttpClient) client = NULL;

  g_assert_no_error (error);
  write_file (token, BEARER_TOKEN, 0644);
  write_file (cert, "not used", 0644);
  write_file (key, "not used", 0604);
  write_file (secret, OAUTH_SECRET, 0644);

  with_token->token_file = g_strdup (token);
  assert_config_refused (with_token, "chmod o-rwx");
  with_key->client_cert = g_strdup (cert);
  with_key->client_key = g_strdup (key);
  assert_config_refused (with_key, "chmod o-rwx");
  with_secret->token_url = g_strdup ("https://auth.example.org/token");
  with_secret->client_id = g_strdup ("terminal");
  with_secret->client_secret_file = g_strdup (secret);
  assert_config_refused (with_secret, "chmod o-rwx");

  /* Group-readable is fine: the service's group may need it. */
  g_assert_cmpint (g_chmod (token, 0640), ==, 0);
  client = mar_http_client_new (with_token, &error);
  g_assert_no_error (error);
  g_assert_nonnull (client);

  remove_tree (dir);
}

static void
test_config_incomplete_credentials (void)
{
  g_autoptr(MarHttpConfig) cert_only = mar_http_config_new ("https://fhir.example.org/r4");
  g_autoptr(MarHttpConfig) oauth = mar_http_config_new ("https://fhir.example.org/r4");
  g_autoptr(MarHttpConfig) http_token_url = mar_http_config_new ("https://fhir.example.org/r4");

  cert_only->client_cert = g_strdup ("/nonexistent/client.pem");
  assert_config_refused (cert_only, "client-key");
  oauth->token_url = g_strdup ("https://auth.example.org/token");
  assert_config_refused (oauth, "client-id");
  http_token_url->token_url = g_strdup ("http://auth.example.org/token");
  http_token_url->client_id = g_strdup ("terminal");
  http_token_url->client_secret_file = g_strdup ("/nonexistent");
  assert_config_refused (http_token_url, "https://");
}

static void
test_config_from_key_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mar-test-http-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "bedside-mar.conf", NULL);
  g_autoptr(MarConfig) config = NULL;
  g_autoptr(MarHttpConfig) http = NULL;

  write_file (path,
              "[server]\n"
              "url=https://fhir.example.org/r4\n"
              "ca-file=/etc/bedside-mar/hospital-ca.pem\n"
              "pin=sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
              "token-file=/etc/bedside-mar/token\n"
              "timeout=20\n"
              "connect-timeout=5\n", 0640);  /* names a secret file: not for every user */
  config = mar_config_load (path, &error);
  g_assert_no_error (error);
  http = mar_http_config_new_from_config (config, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (http->base_url, ==, "https://fhir.example.org/r4");
  g_assert_cmpstr (http->ca_file, ==, "/etc/bedside-mar/hospital-ca.pem");
  g_assert_cmpstr (http->pinned_key, ==, "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
  g_assert_cmpstr (http->token_file, ==, "/etc/bedside-mar/token");
  g_assert_null (http->client_cert);
  g_assert_cmpuint (http->timeout_ms, ==, 20000);
  g_assert_cmpuint (http->connect_timeout_ms, ==, 5000);

  mar_config_set_string (config, "server", "timeout", "0");
  g_clear_pointer (&http, mar_http_config_free);
  http = mar_http_config_new_from_config (config, &error);
  g_assert_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_CONFIG);
  g_assert_null (http);
  remove_tree (dir);
}

/* ------------------------------------------------------------------------ */
/* Authentication                                                           */

static void
test_auth_bearer_accepted (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(MarHttpConfig) config = new_config (f);
  g_autoptr(MarHttpClient) client = NULL;

  config->token_file = path_in (f, "client-token");
  client = new_client (f, config);
  assert_get_works (client, "Patient");
}

static void
test_auth_bearer_refused (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(MarHttpConfig) config = new_config (f);
  g_autoptr(MarHttpClient) client = NULL;
  g_autoptr(MarHttpClient) anonymous = default_client (f);
  g_autofree char *token = path_in (f, "client-token");

  write_file (token, "tok-not-the-right-one\n", 0600);
  config->token_file = g_strdup (token);
  client = new_client (f, config);
  assert_get_fails (f, client, "Patient", MAR_HTTP_ERROR_AUTH);
  assert_get_fails (f, anonymous, "Patient", MAR_HTTP_ERROR_AUTH);

  /* IT replaces the token file: the next request uses the new token. */
  g_unlink (token);
  write_file (token, BEARER_TOKEN "\n", 0600);
  assert_get_works (client, "Patient");
}

static void
test_auth_bearer_not_in_errors (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(MarHttpConfig) config = new_config (f);
  g_autoptr(MarHttpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MarHttpResponse) response = NULL;

  config->token_file = path_in (f, "client-token");
  client = new_client (f, config);
  inject (f, "{\"kind\":\"status\",\"status\":400,\"text\":\"Bad request\"}");
  response = mar_http_client_get (client, "Patient", NULL, NULL, &error);
  g_assert_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_CLIENT);
  g_assert_null (strstr (error->message, BEARER_TOKEN));
}

static void
test_auth_oauth_token_fetched (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(MarHttpConfig) config = new_config (f);
  g_autoptr(MarHttpClient) client = NULL;

  config->token_url = g_strdup_printf ("https://127.0.0.1:%u/oauth2/token", f->port);
  config->client_id = g_strdup (OAUTH_CLIENT);
  config->client_secret_file = path_in (f, "client-secret");
  config->scope = g_strdup ("system/*.read system/MedicationAdministration.write");
  config->pinned_key = g_strdup (f->pin);
  client = new_client (f, config);

  assert_get_works (client, "Patient");
  assert_get_works (client, "Patient");
  g_assert_cmpuint (server_requests (f, "POST", "oauth2/token"), ==, 1);
  g_assert_cmpuint (server_requests (f, "GET", "Patient"), ==, 2);
}

static void
test_auth_oauth_refreshed_before_expiry (Fixture       *f,
                                         gconstpointer  data)
{
  g_autoptr(MarHttpConfig) config = new_config (f);
  g_autoptr(MarHttpClient) client = NULL;

  config->token_url = g_strdup_printf ("https://127.0.0.1:%u/oauth2/token", f->port);
  config->client_id = g_strdup (OAUTH_CLIENT);
  config->client_secret_file = path_in (f, "client-secret");
  client = new_client (f, config);

  /* Tokens live 120 s; the client renews 60 s before the end. */
  assert_get_works (client, "Patient");
  f->clock.monotonic += 59 * G_USEC_PER_SEC;
  assert_get_works (client, "Patient");
  g_assert_cmpuint (server_requests (f, "POST", "oauth2/token"), ==, 1);
  f->clock.monotonic += 2 * G_USEC_PER_SEC;
  assert_get_works (client, "Patient");
  g_assert_cmpuint (server_requests (f, "POST", "oauth2/token"), ==, 2);
  /* Renewed ahead of time: the server never refused a request. */
  g_assert_cmpuint (server_requests (f, "GET", "Patient"), ==, 3);
}

static void
test_auth_oauth_revoked_token_replaced (Fixture       *f,
                                        gconstpointer  data)
{
  g_autoptr(MarHttpConfig) config = new_config (f);
  g_autoptr(MarHttpClient) client = NULL;
  g_autoptr(JsonNode) reply = NULL;

  config->token_url = g_strdup_printf ("https://127.0.0.1:%u/oauth2/token", f->port);
  config->client_id = g_strdup (OAUTH_CLIENT);
  config->client_secret_file = path_in (f, "client-secret");
  client = new_client (f, config);

  assert_get_works (client, "Patient");
  reply = admin (f, "POST", "tokens", "{\"revoke\":true}");
  assert_get_works (client, "Patient");
  g_assert_cmpuint (server_requests (f, "POST", "oauth2/token"), ==, 2);
  g_assert_cmpuint (server_requests (f, "GET", "Patient"), ==, 3);
}

static void
test_auth_oauth_wrong_secret (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(MarHttpConfig) config = new_config (f);
  g_autoptr(MarHttpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MarHttpResponse) response = NULL;
  g_autofree char *secret = path_in (f, "client-secret");

  write_file (secret, "not-the-secret\n", 0600);
  config->token_url = g_strdup_printf ("https://127.0.0.1:%u/oauth2/token", f->port);
  config->client_id = g_strdup (OAUTH_CLIENT);
  config->client_secret_file = g_strdup (secret);
  client = new_client (f, config);
  response = mar_http_client_get (client, "Patient", NULL, NULL, &error);
  g_assert_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "invalid_client"));
  g_assert_null (strstr (error->message, "not-the-secret"));
  g_assert_cmpuint (server_requests (f, "GET", "Patient"), ==, 0);
}

/* ------------------------------------------------------------------------ */
/* Retries                                                                  */

static void
test_retry_server_errors (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(MarHttpClient) client = default_client (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(MarHttpResponse) response = NULL;
  MarHttpRetryPolicy policy;

  mar_http_retry_policy_init_default (&policy);
  inject (f, "{\"kind\":\"status\",\"status\":500,\"count\":2}");
  inject (f, "{\"kind\":\"status\",\"status\":503}");
  response = mar_http_client_get (client, "Patient", &policy, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpuint (server_requests (f, "GET", "Patient"), ==, 4);

  /* Exponential backoff with jitter: 1, 2, 4 s steps, each between half and all. */
  g_assert_cmpuint (f->clock.sleeps->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      gint64 step = (gint64) (1000000 << i);
      gint64 slept = g_array_index (f->clock.sleeps, gint64, i);

      g_assert_cmpint (slept, >=, step / 2);
      g_assert_cmpint (slept, <=, step);
    }
}

static void
test_retry_gives_up (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(MarHttpClient) client = default_client (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(MarHttpResponse) response = NULL;
  MarHttpRetryPolicy policy;

  mar_http_retry_policy_init_default (&policy);
  policy.max_attempts = 3;
  inject (f, "{\"kind\":\"status\",\"status\":502,\"count\":10}");
  response = mar_http_client_get (client, "Patient", &policy, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_SERVER);
  g_assert_nonnull (strstr (error->message, "3 attempts"));
  g_assert_nonnull (strstr (error->message, "502"));
  g_assert_cmpuint (server_requests (f, "GET", "Patient"), ==, 3);
  g_assert_cmpuint (f->clock.sleeps->len, ==, 2);
}

static void
test_retry_after_seconds (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(MarHttpClient) client = default_client (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(MarHttpResponse) response = NULL;
  MarHttpRetryPolicy policy;

  mar_http_retry_policy_init_default (&policy);
  inject (f, "{\"kind\":\"rate-limit\",\"retryAfter\":\"7\",\"count\":2}");
  response = mar_http_client_get (client, "Patient", &policy, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (server_requests (f, "GET", "Patient"), ==, 3);
  /* Exactly what the server asked, no jitter. */
  g_assert_cmpuint (f->clock.sleeps->len, ==, 2);
  g_assert_cmpint (g_array_index (f->clock.sleeps, gint64, 0), ==, 7 * G_USEC_PER_SEC);
  g_assert_cmpint (g_array_index (f->clock.sleeps, gint64, 1), ==, 7 * G_USEC_PER_SEC);
}

static void
test_retry_after_date (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(MarHttpClient) client = default_client (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(MarHttpResponse) first = NULL;
  g_autoptr(MarHttpResponse) response = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *date = NULL;
  g_autofree char *fault = NULL;
  MarHttpRetryPolicy policy;
  gint64 slept;

  /* The server's clock is an hour ahead of ours: an HTTP-date Retry-After
   * must be read against the server's Date, not against our clock. */
  reply = admin (f, "POST", "clock", "{\"offsetSeconds\":3600}");
  first = mar_http_client_get (client, "metadata", NULL, NULL, &error);
  g_assert_no_error (error);
  when = g_date_time_new_from_unix_utc (first->date + 90);
  date = g_date_time_format (when, "%a, %d %b %Y %H:%M:%S GMT");
  fault = g_strdup_printf ("{\"kind\":\"rate-limit\",\"retryAfter\":\"%s\"}", date);
  inject (f, fault);

  mar_http_retry_policy_init_default (&policy);
  response = mar_http_client_get (client, "Patient", &policy, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (f->clock.sleeps->len, ==, 1);
  slept = g_array_index (f->clock.sleeps, gint64, 0) / G_USEC_PER_SEC;
  /* 90 s minus the (generous) time between the two answers. */
  g_assert_cmpint (slept, <=, 90);
  g_assert_cmpint (slept, >=, 60);
}

static void
test_retry_after_beyond_budget (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(MarHttpClient) client = default_client (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(MarHttpResponse) response = NULL;
  MarHttpRetryPolicy policy;

  mar_http_retry_policy_init_default (&policy);
  inject (f, "{\"kind\":\"rate-limit\",\"retryAfter\":\"600\"}");
  response = mar_http_client_get (client, "Patient", &policy, NULL, &error);
  g_assert_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_RATE_LIMITED);
  g_assert_nonnull (strstr (error->message, "600"));
  /* Waiting 10 minutes would pass the 2-minute budget: give up at once and
   * let the next sync run come back. */
  g_assert_cmpuint (f->clock.sleeps->len, ==, 0);
  g_assert_cmpuint (server_requests (f, "GET", "Patient"), ==, 1);
}

static void
test_retry_not_on_client_error (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(MarHttpClient) client = default_client (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(MarHttpResponse) response = NULL;
  g_autoptr(JsonNode) broken = json ("{\"resourceType\":\"MedicationAdministration\",\"status\":\"given\"}");
  MarHttpRetryPolicy policy;

  mar_http_retry_policy_init_default (&policy);
  response = mar_http_client_create (client, "MedicationAdministration", broken, NULL,
                                     &policy, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_CLIENT);
  g_test_message ("%s", error->message);
  /* The server's OperationOutcome, readable, for IT. */
  g_assert_nonnull (strstr (error->message, "HTTP 400"));
  g_assert_nonnull (strstr (error->message, "error: "));
  g_assert_nonnull (strstr (error->message, "MedicationAdministration.subject"));
  g_assert_false (mar_http_error_is_transient (error));
  g_assert_cmpuint (server_requests (f, "POST", "MedicationAdministration"), ==, 1);
  g_assert_cmpuint (f->clock.sleeps->len, ==, 0);
}

static void
test_retry_cancelled_while_waiting (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(MarHttpClient) client = default_client (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(MarHttpResponse) response = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  MarHttpRetryPolicy policy;

  mar_http_retry_policy_init_default (&policy);
  f->clock.cancel_on_sleep = cancellable;
  inject (f, "{\"kind\":\"status\",\"status\":500}");
  response = mar_http_client_get (client, "Patient", &policy, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (server_requests (f, "GET", "Patient"), ==, 1);
}

static gpointer
cancel_soon (gpointer data)
{
  g_usleep (200 * 1000);
  g_cancellable_cancel (data);
  return NULL;
}

static void
test_retry_real_wait_cancellable (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(MarHttpConfig) config = new_config (f);
  g_autoptr(MarHttpClient) client = mar_http_client_new (config, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MarHttpResponse) response = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GThread) thread = NULL;
  MarHttpRetryPolicy policy;

  /* The real clock: a 100-second Retry-After wait ends when cancelled. */
  mar_http_retry_policy_init_default (&policy);
  policy.max_total_ms = 200000;
  inject (f, "{\"kind\":\"rate-limit\",\"retryAfter\":\"100\"}");
  thread = g_thread_new ("cancel", cancel_soon, cancellable);
  response = mar_http_client_get (client, "Patient", &policy, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_thread_join (g_steal_pointer (&thread));
}

/* ------------------------------------------------------------------------ */
/* Faults                                                                   */

/* A client that gives up after 2 s, for requests the server holds for 30 s:
 * the outcome does not depend on how loaded the machine is. Every other
 * request in these tests uses the default, generous timeout. */
static MarHttpClient *
impatient_client (Fixture *f)
{
  g_autoptr(MarHttpConfig) config = new_config (f);

  config->timeout_ms = 2000;
  return new_client (f, config);
}

/* Waits until the server has processed (committed) @n requests @method
 * @path, whatever it then does with the answer. */
static void
wait_for_processed (Fixture    *f,
                    const char *method,
                    const char *path,
                    guint       n)
{
  for (guint tries = 0; tries < 600; tries++)
    {
      g_autoptr(JsonNode) reply = admin (f, "GET", "requests", NULL);
      JsonArray *requests = json_object_get_array_member (json_node_get_object (reply), "requests");
      guint done = 0;

      for (guint i = 0; i < json_array_get_length (requests); i++)
        {
          JsonObject *r = json_array_get_object_element (requests, i);

          if (g_str_equal (json_object_get_string_member (r, "method"), method) &&
              g_str_has_prefix (json_object_get_string_member (r, "path"), path) &&
              json_object_get_int_member (r, "status") != 0)
            done++;
        }
      if (done >= n)
        return;
      g_usleep (50 * 1000);
    }
  g_error ("The server did not process %s %s within 30 s", method, path);
}

static void
test_fault_timeout (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(MarHttpClient) impatient = impatient_client (f);
  g_autoptr(MarHttpClient) client = default_client (f);

  inject (f, "{\"kind\":\"delay\",\"ms\":30000}");
  assert_get_fails (f, impatient, "Patient", MAR_HTTP_ERROR_TIMEOUT);
  /* Transient: the same request may be tried again. */
  assert_get_works (client, "Patient");
  assert_get_works (impatient, "Patient");
}

static void
test_fault_lost_response_not_duplicated (Fixture       *f,
                                         gconstpointer  data)
{
  g_autoptr(MarHttpClient) impatient = impatient_client (f);
  g_autoptr(MarHttpClient) client = default_client (f);
  g_autoptr(JsonNode) resource = administration ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MarHttpResponse) lost = NULL;
  g_autoptr(MarHttpResponse) response = NULL;
  MarHttpRetryPolicy policy;

  /* The server commits, then its answer is lost three ways in a row: the
   * client timed out, the connection dropped, the body was cut short. */
  inject (f, "{\"kind\":\"delay\",\"ms\":30000,\"path\":\"MedicationAdministration\"}");
  lost = mar_http_client_create (impatient, "MedicationAdministration", resource,
                                 ADMINISTRATION_QUERY, NULL, NULL, &error);
  g_assert_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_TIMEOUT);
  g_clear_error (&error);
  wait_for_processed (f, "POST", "MedicationAdministration", 1);

  mar_http_retry_policy_init_default (&policy);
  inject (f, "{\"kind\":\"reset-after-commit\",\"path\":\"MedicationAdministration\"}");
  inject (f, "{\"kind\":\"truncate\",\"path\":\"MedicationAdministration\"}");
  response = mar_http_client_create (client, "MedicationAdministration", resource,
                                     ADMINISTRATION_QUERY, &policy, NULL, &error);
  g_assert_no_error (error);
  /* The third attempt finds the copy the first request made. */
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_nonnull (response->resource_id);
  g_assert_nonnull (response->version_id);
  g_assert_cmpuint (f->clock.sleeps->len, ==, 2);
  g_assert_cmpuint (server_requests (f, "POST", "MedicationAdministration"), ==, 4);
  g_assert_cmpint (server_count (f, "MedicationAdministration",
                                 "urn:ietf:rfc:3986|" ADMINISTRATION_UUID), ==, 1);
}

static void
test_fault_connection_reset (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(MarHttpClient) client = default_client (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(MarHttpResponse) response = NULL;
  MarHttpRetryPolicy policy;

  inject (f, "{\"kind\":\"reset\"}");
  assert_get_fails (f, client, "Patient", MAR_HTTP_ERROR_CONNECTION_LOST);

  mar_http_retry_policy_init_default (&policy);
  inject (f, "{\"kind\":\"reset\"}");
  response = mar_http_client_get (client, "Patient", &policy, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (f->clock.sleeps->len, ==, 1);
}

static void
test_fault_truncated (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(MarHttpClient) client = default_client (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(MarHttpResponse) response = NULL;

  inject (f, "{\"kind\":\"truncate\"}");
  response = mar_http_client_get (client, "Patient", NULL, NULL, &error);
  g_assert_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "cut short"));
  g_assert_true (mar_http_error_is_transient (error));
}

static void
test_fault_malformed_json (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(MarHttpClient) client = default_client (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(MarHttpResponse) response = NULL;

  inject (f, "{\"kind\":\"malformed\"}");
  response = mar_http_client_get (client, "Patient", NULL, NULL, &error);
  g_assert_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "not valid JSON"));
}

static void
test_fault_wrong_content_type (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(MarHttpClient) client = default_client (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(MarHttpResponse) response = NULL;

  inject (f, "{\"kind\":\"wrong-content-type\"}");
  response = mar_http_client_get (client, "Patient", NULL, NULL, &error);
  g_assert_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "text/html"));
}

static void
test_fault_not_a_resource (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(MarHttpClient) client = default_client (f);
  g_autoptr(GString) deep = g_string_new ("{\"kind\":\"body\",\"body\":\"");

  /* Nesting far deeper than any FHIR resource: refused before parsing. */
  for (guint i = 0; i < 10000; i++)
    g_string_append_c (deep, '[');
  g_string_append (deep, "\"}");
  inject (f, deep->str);
  assert_get_fails (f, client, "Patient", MAR_HTTP_ERROR_BAD_RESPONSE);

  /* JSON, but not a resource. */
  inject (f, "{\"kind\":\"body\",\"body\":\"[1, 2, 3]\"}");
  assert_get_fails (f, client, "Patient", MAR_HTTP_ERROR_BAD_RESPONSE);

  /* A 2xx with no body at all is fine (Prefer: return=minimal servers). */
  inject (f, "{\"kind\":\"body\",\"status\":201,\"body\":\"\"}");
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(MarHttpResponse) response = mar_http_client_get (client, "Patient", NULL, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (response->status, ==, 201);
    g_assert_null (response->json);
  }

  /* An error page from a proxy: the status decides, the body is ignored. */
  inject (f, "{\"kind\":\"body\",\"status\":502,\"contentType\":\"text/html\",\"body\":\"<h1>Bad gateway</h1>\"}");
  assert_get_fails (f, client, "Patient", MAR_HTTP_ERROR_SERVER);
}

static void
test_fault_oversized (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(MarHttpConfig) config = new_config (f);
  g_autoptr(MarHttpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  MarHttpRetryPolicy policy;

  config->max_response_size = 1024 * 1024;
  client = new_client (f, config);
  mar_http_retry_policy_init_default (&policy);

  /* Announced by Content-Length, and streamed without one. */
  inject (f, "{\"kind\":\"huge\",\"bytes\":4000000}");
  assert_get_fails (f, client, "Patient", MAR_HTTP_ERROR_TOO_LARGE);
  inject (f, "{\"kind\":\"huge\",\"bytes\":4000000,\"chunked\":true}");
  {
    g_autoptr(MarHttpResponse) response = mar_http_client_get (client, "Patient", &policy, NULL, &error);

    g_assert_null (response);
    g_assert_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_TOO_LARGE);
    g_assert_cmpuint (f->clock.sleeps->len, ==, 0);
  }
  /* A body just under the limit is fine. */
  inject (f, "{\"kind\":\"huge\",\"bytes\":1000000}");
  assert_get_works (client, "Patient");
}

static void
test_fault_connect_refused (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(MarHttpClient) client = default_client (f);

  stop_server (f);
  assert_get_fails (f, client, "metadata", MAR_HTTP_ERROR_CONNECT);
}

static void
test_fault_killed_after_commit (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(MarHttpClient) client = default_client (f);
  g_autoptr(JsonNode) resource = administration ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MarHttpResponse) lost = NULL;
  g_autoptr(MarHttpResponse) response = NULL;
  guint port = f->port;

  inject (f, "{\"kind\":\"kill-after-commit\"}");
  lost = mar_http_client_create (client, "MedicationAdministration", resource,
                                 ADMINISTRATION_QUERY, NULL, NULL, &error);
  g_assert_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_CONNECTION_LOST);
  g_clear_error (&error);

  /* The server comes back with what it had committed (its journal). */
  g_subprocess_wait (f->server, NULL, NULL);
  g_clear_object (&f->server);
  start_server (f, port);
  response = mar_http_client_create (client, "MedicationAdministration", resource,
                                     ADMINISTRATION_QUERY, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpint (server_count (f, "MedicationAdministration",
                                 "urn:ietf:rfc:3986|" ADMINISTRATION_UUID), ==, 1);
}

/* ------------------------------------------------------------------------ */
/* FHIR REST                                                                */

static void
test_rest_if_none_exist (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(MarHttpClient) client = default_client (f);
  g_autoptr(JsonNode) resource = administration ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MarHttpResponse) first = NULL;
  g_autoptr(MarHttpResponse) second = NULL;

  first = mar_http_client_create (client, "MedicationAdministration", resource,
                                  ADMINISTRATION_QUERY, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (first->status, ==, 201);
  g_assert_nonnull (first->location);
  g_assert_nonnull (first->etag);
  g_assert_nonnull (first->resource_id);
  g_assert_nonnull (first->version_id);
  g_assert_true (strstr (first->location, first->resource_id) != NULL);

  second = mar_http_client_create (client, "MedicationAdministration", resource,
                                   ADMINISTRATION_QUERY, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (second->status, ==, 200);
  g_assert_cmpstr (second->resource_id, ==, first->resource_id);
  g_assert_cmpstr (second->version_id, ==, first->version_id);
  g_assert_cmpint (server_count (f, "MedicationAdministration",
                                 "urn:ietf:rfc:3986|" ADMINISTRATION_UUID), ==, 1);

  /* The same search in a URL, its value percent-encoded or not. */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *value = i == 0 ? g_strdup ("urn:ietf:rfc:3986|" ADMINISTRATION_UUID)
                                      : g_uri_escape_string ("urn:ietf:rfc:3986|" ADMINISTRATION_UUID, NULL, FALSE);
      g_autofree char *target = g_strdup_printf ("MedicationAdministration?identifier=%s", value);
      g_autoptr(MarHttpResponse) found = mar_http_client_get (client, target, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (json_object_get_int_member (json_node_get_object (found->json), "total"), ==, 1);
    }
}

static void
test_rest_if_match (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(MarHttpClient) client = default_client (f);
  g_autoptr(JsonNode) resource = administration ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MarHttpResponse) created = NULL;
  g_autoptr(MarHttpResponse) updated = NULL;
  g_autoptr(MarHttpResponse) stale = NULL;
  JsonObject *object;

  created = mar_http_client_create (client, "MedicationAdministration", resource,
                                    ADMINISTRATION_QUERY, NULL, NULL, &error);
  g_assert_no_error (error);

  /* The bag is stopped: an update based on the version we hold. */
  object = json_node_get_object (resource);
  json_object_set_string_member (object, "id", created->resource_id);
  json_object_set_string_member (object, "status", "stopped");
  updated = mar_http_client_update (client, "MedicationAdministration", created->resource_id,
                                    resource, created->version_id, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (updated->status, ==, 200);
  g_assert_cmpstr (updated->version_id, !=, created->version_id);
  g_assert_cmpstr (response_string (updated, "status"), ==, "stopped");

  /* Again on the old version: someone changed it since (412). */
  stale = mar_http_client_update (client, "MedicationAdministration", created->resource_id,
                                  resource, created->version_id, NULL, NULL, &error);
  g_assert_null (stale);
  g_assert_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "412"));
}

static void
test_rest_not_found (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(MarHttpClient) client = default_client (f);

  assert_get_fails (f, client, "Patient/does-not-exist", MAR_HTTP_ERROR_NOT_FOUND);
}

static char *
create_patient (MarHttpClient *client,
                const char    *mrn)
{
  g_autoptr(JsonNode) resource = patient (mrn);
  g_autoptr(GError) error = NULL;
  g_autoptr(MarHttpResponse) response = mar_http_client_create (client, "Patient", resource,
                                                                NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 201);
  return g_strdup (response->resource_id);
}

static void
test_rest_paging (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(MarHttpClient) client = default_client (f);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *next = g_strdup ("Patient?_sort=_lastUpdated&_count=3");
  guint pages = 0;
  guint entries_read = 0;

  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *mrn = g_strdup_printf ("MRN%04u", i);

      g_ptr_array_add (ids, create_patient (client, mrn));
    }

  while (next != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MarHttpResponse) page = mar_http_client_get (client, next, NULL, NULL, &error);
      JsonArray *entries;
      const char *link;

      g_assert_no_error (error);
      pages++;
      entries = json_object_get_array_member (json_node_get_object (page->json), "entry");
      for (guint i = 0; i < json_array_get_length (entries); i++)
        {
          JsonObject *resource = json_object_get_object_member (json_array_get_object_element (entries, i),
                                                                "resource");

          g_hash_table_add (seen, g_strdup (json_object_get_string_member (resource, "id")));
          entries_read++;
        }

      /* While paging, another system changes a patient already read and one
       * not yet read: nothing may be skipped. */
      if (pages == 1)
        {
          for (guint k = 0; k < 2; k++)
            {
              const char *id = g_ptr_array_index (ids, k == 0 ? 0 : 5);
              g_autoptr(JsonNode) changed = patient (k == 0 ? "MRN0000" : "MRN0005");
              g_autoptr(MarHttpResponse) updated = NULL;

              json_object_set_string_member (json_node_get_object (changed), "id", id);
              json_object_set_boolean_member (json_node_get_object (changed), "active", FALSE);
              updated = mar_http_client_update (client, "Patient", id, changed, NULL, NULL, NULL, &error);
              g_assert_no_error (error);
            }
        }

      link = mar_http_bundle_get_next_link (page->json);
      g_free (next);
      next = g_strdup (link);
    }
  /* 8 resources, 3 per page; the two changed ones come again at the end,
   * and the one already read is read twice. */
  g_assert_cmpuint (pages, ==, 3);
  g_assert_cmpuint (entries_read, ==, 9);
  g_assert_cmpuint (g_hash_table_size (seen), ==, 8);
  for (guint i = 0; i < ids->len; i++)
    g_assert_true (g_hash_table_contains (seen, g_ptr_array_index (ids, i)));
}

static void
test_rest_foreign_link_refused (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(MarHttpClient) client = default_client (f);
  g_autofree char *other_port = g_strdup_printf ("https://127.0.0.1:%u/fhir/Patient", f->port + 1);
  g_autofree char *other_path = g_strdup_printf ("https://127.0.0.1:%u/other/Patient", f->port);
  g_autofree char *own = g_strdup_printf ("https://127.0.0.1:%u/fhir/Patient?_count=1", f->port);

  assert_get_fails (f, client, "https://evil.example.org/fhir/Patient?_cursor=x", MAR_HTTP_ERROR_PROTOCOL);
  assert_get_fails (f, client, other_port, MAR_HTTP_ERROR_PROTOCOL);
  assert_get_fails (f, client, other_path, MAR_HTTP_ERROR_PROTOCOL);
  assert_get_works (client, own);
  g_assert_cmpuint (server_requests (f, "GET", "Patient"), ==, 1);
}

static void
test_rest_date_header (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(MarHttpClient) client = default_client (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(MarHttpResponse) in_step = NULL;
  g_autoptr(MarHttpResponse) ahead = NULL;
  g_autoptr(JsonNode) reply = NULL;
  gint64 skew = G_MAXINT64;

  in_step = mar_http_client_get (client, "metadata", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (mar_http_response_get_clock_skew (in_step, &skew));
  g_assert_cmpint (ABS (skew), <=, 5);

  /* The server's clock runs 10 minutes ahead of the terminal's. */
  reply = admin (f, "POST", "clock", "{\"offsetSeconds\":600}");
  ahead = mar_http_client_get (client, "metadata", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (mar_http_response_get_clock_skew (ahead, &skew));
  g_assert_cmpint (skew, >=, 595);
  g_assert_cmpint (skew, <=, 605);
}

static void
test_rest_transaction (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(MarHttpClient) client = default_client (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(MarHttpResponse) response = NULL;
  g_autoptr(JsonNode) bundle = json (
    "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{"
    "\"fullUrl\":\"urn:uuid:0b7e4f0e-5a43-4d0c-8a61-2f6c1d9e8a20\","
    "\"resource\":{\"resourceType\":\"MedicationAdministration\","
    "\"identifier\":[{\"system\":\"urn:ietf:rfc:3986\",\"value\":\"" ADMINISTRATION_UUID "\"}],"
    "\"status\":\"completed\",\"medicationCodeableConcept\":{\"text\":\"Cefazolin 1 g\"},"
    "\"subject\":{\"reference\":\"Patient/p1\"},\"effectiveDateTime\":\"2026-11-22T12:00:00Z\"},"
    "\"request\":{\"method\":\"POST\",\"url\":\"MedicationAdministration\","
    "\"ifNoneExist\":\"" ADMINISTRATION_QUERY "\"}}]}");
  MarHttpRequest request = { .method = MAR_HTTP_POST, .target = "", .body = bundle };

  /* The entry's fullUrl is NOT our identifier: Medplum replaces every
   * occurrence of a fullUrl placeholder in the entry, identifiers included
   * (see tests/fhir-server/README.md). */

  for (guint i = 0; i < 2; i++)
    {
      g_clear_pointer (&response, mar_http_response_free);
      response = mar_http_client_request (client, &request, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (response_string (response, "type"), ==, "transaction-response");
    }
  g_assert_cmpint (server_count (f, "MedicationAdministration",
                                 "urn:ietf:rfc:3986|" ADMINISTRATION_UUID), ==, 1);
}

/* Reads every page of @target; returns the resources' ids in order and
 * the newest meta.lastUpdated (the server's clock) in @newest. */
static GPtrArray *
read_all_pages (MarHttpClient *client,
                const char    *target,
                char         **newest)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *next = g_strdup (target);

  while (next != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MarHttpResponse) page = mar_http_client_get (client, next, NULL, NULL, &error);
      JsonObject *bundle;
      const char *link;

      g_assert_no_error (error);
      bundle = json_node_get_object (page->json);
      g_assert_cmpstr (json_object_get_string_member (bundle, "type"), ==, "searchset");
      if (json_object_has_member (bundle, "entry"))
        {
          JsonArray *entries = json_object_get_array_member (bundle, "entry");

          for (guint i = 0; i < json_array_get_length (entries); i++)
            {
              JsonObject *resource = json_object_get_object_member (json_array_get_object_element (entries, i),
                                                                    "resource");
              const char *updated = json_object_get_string_member (json_object_get_object_member (resource, "meta"),
                                                                   "lastUpdated");

              g_ptr_array_add (ids, g_strdup (json_object_get_string_member (resource, "id")));
              if (newest != NULL && (*newest == NULL || strcmp (updated, *newest) > 0))
                {
                  g_free (*newest);
                  *newest = g_strdup (updated);
                }
            }
        }
      link = mar_http_bundle_get_next_link (page->json);
      g_free (next);
      next = g_strdup (link);
    }
  return ids;
}

static void
test_rest_seeded_incremental (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(MarHttpClient) client = default_client (f);
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) changed = NULL;
  g_autofree char *newest = NULL;
  g_autofree char *since = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *created = NULL;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  gint64 watermark;

  /* The full first load, in pages. */
  all = read_all_pages (client, "Patient?_sort=_lastUpdated&_count=5", &newest);
  g_assert_cmpuint (all->len, ==, 13);

  /* Then the incremental pull: from the watermark less five minutes
   * (FHIR-PROFILE.md), on the server's clock. */
  created = create_patient (client, "MRN-NEW-1");
  g_assert_true (mar_time_parse_fhir (newest, utc, &watermark, NULL, NULL));
  since = mar_time_format_utc (watermark - 5 * 60);
  escaped = g_uri_escape_string (since, NULL, FALSE);
  {
    g_autofree char *target = g_strdup_printf ("Patient?_lastUpdated=ge%s&_sort=_lastUpdated&_count=5", escaped);

    changed = read_all_pages (client, target, NULL);
  }
  /* The seeds were stamped at start, within the overlap: all come again,
   * and the new one last. */
  g_assert_cmpuint (changed->len, ==, 14);
  g_assert_cmpstr (g_ptr_array_index (changed, 13), ==, created);
}

static void
test_rest_history_deletions (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(MarHttpClient) client = default_client (f);
  g_autoptr(MarHttpResponse) history = NULL;
  g_autoptr(MarHttpResponse) first = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *removed = NULL;
  g_autofree char *body = NULL;
  g_autofree char *target = NULL;
  g_autofree char *since = NULL;
  g_autofree char *read = NULL;
  JsonArray *entries;
  gboolean saw_delete = FALSE;

  first = mar_http_client_get (client, "metadata", NULL, NULL, &error);
  g_assert_no_error (error);
  since = mar_time_format_utc (first->date - 60);
  kept = create_patient (client, "MRN-KEPT");
  removed = create_patient (client, "MRN-REMOVED");
  body = g_strdup_printf ("{\"type\":\"Patient\",\"id\":\"%s\"}", removed);
  reply = admin (f, "POST", "delete", body);

  /* Deletions do not show in searches; the type's history has them. */
  target = g_strdup_printf ("Patient/_history?_since=%s", since);
  history = mar_http_client_get (client, target, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (response_string (history, "type"), ==, "history");
  entries = json_object_get_array_member (json_node_get_object (history->json), "entry");
  g_assert_cmpuint (json_array_get_length (entries), ==, 3);
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);
      JsonObject *request = json_object_get_object_member (entry, "request");

      if (g_str_equal (json_object_get_string_member (request, "method"), "DELETE"))
        {
          g_autofree char *url = g_strdup_printf ("Patient/%s", removed);

          g_assert_cmpstr (json_object_get_string_member (request, "url"), ==, url);
          g_assert_false (json_object_has_member (entry, "resource"));
          saw_delete = TRUE;
        }
    }
  g_assert_true (saw_delete);

  /* Reading it now: gone (410), which the client reports as not found. */
  read = g_strdup_printf ("Patient/%s", removed);
  assert_get_fails (f, client, read, MAR_HTTP_ERROR_NOT_FOUND);
}

/* ------------------------------------------------------------------------ */
/* OperationOutcome                                                         */

static void
test_outcome_text (void)
{
  g_autoptr(JsonNode) outcome = json (
    "{\"resourceType\":\"OperationOutcome\",\"issue\":["
    "{\"severity\":\"error\",\"code\":\"required\",\"details\":{\"text\":\"Missing required property\"},"
    " \"expression\":[\"MedicationAdministration.subject\"]},"
    "{\"severity\":\"warning\",\"code\":\"business-rule\",\"diagnostics\":\"Dose above\\nlimit\"},"
    "{\"severity\":\"error\",\"code\":\"conflict\"}]}");
  g_autoptr(JsonNode) not_outcome = json ("{\"resourceType\":\"Patient\"}");
  g_autofree char *text = mar_http_operation_outcome_to_string (outcome);

  g_assert_cmpstr (text, ==,
                   "error: Missing required property at MedicationAdministration.subject; "
                   "warning: Dose above limit; error: conflict");
  g_assert_null (mar_http_operation_outcome_to_string (not_outcome));
  g_assert_null (mar_http_operation_outcome_to_string (NULL));
}

static void
test_bundle_next_link (void)
{
  g_autoptr(JsonNode) bundle = json (
    "{\"resourceType\":\"Bundle\",\"link\":[{\"relation\":\"self\",\"url\":\"https://a/fhir/Patient\"},"
    "{\"relation\":\"next\",\"url\":\"https://a/fhir/Patient?_cursor=x\"}]}");
  g_autoptr(JsonNode) last = json ("{\"resourceType\":\"Bundle\",\"link\":[{\"relation\":\"self\",\"url\":\"x\"}]}");

  g_assert_cmpstr (mar_http_bundle_get_next_link (bundle), ==, "https://a/fhir/Patient?_cursor=x");
  g_assert_null (mar_http_bundle_get_next_link (last));
}

/* ------------------------------------------------------------------------ */

static void
add (const char          *path,
     const ServerOptions *options,
     void               (*test) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, options, fixture_setup, test, fixture_teardown);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *missing = NULL;

  g_test_init (&argc, &argv, NULL);
  /* The server is killed on purpose in some tests. */
  signal (SIGPIPE, SIG_IGN);

  g_test_add_func ("/sync/http/offline/config-https-only", test_config_https_only);
  g_test_add_func ("/sync/http/offline/config-bad-pin", test_config_bad_pin);
  g_test_add_func ("/sync/http/offline/config-world-readable-secrets", test_config_world_readable_secrets);
  g_test_add_func ("/sync/http/offline/config-incomplete-credentials", test_config_incomplete_credentials);
  g_test_add_func ("/sync/http/offline/config-from-key-file", test_config_from_key_file);
  g_test_add_func ("/sync/http/offline/operation-outcome-text", test_outcome_text);
  g_test_add_func ("/sync/http/offline/bundle-next-link", test_bundle_next_link);

  missing = missing_prerequisite ();
  if (missing != NULL)
    {
      /* Fails the run with the reason in meson's log (TAP "Bail out!"). */
      g_print ("Bail out! The sync tests need a FHIR server: %s\n", missing);
      return 1;
    }

  add ("/sync/http/tls/test-ca", &plain_server, test_tls_test_ca);
  add ("/sync/http/tls/system-store-refused", &plain_server, test_tls_system_store);
  add ("/sync/http/tls/other-ca-refused", &plain_server, test_tls_other_ca);
  add ("/sync/http/tls/expired-refused", &expired_server, test_tls_expired);
  add ("/sync/http/tls/wrong-host-refused", &wronghost_server, test_tls_wrong_host);
  add ("/sync/http/tls/localhost-name", &plain_server, test_tls_localhost_name);
  add ("/sync/http/tls/pin-right", &plain_server, test_tls_pin_right);
  add ("/sync/http/tls/pin-wrong-refused", &plain_server, test_tls_pin_wrong);
  add ("/sync/http/tls/pin-one-of-several", &plain_server, test_tls_pin_one_of_several);
  add ("/sync/http/tls/mtls-with-certificate", &mtls_server, test_tls_mtls_with_certificate);
  add ("/sync/http/tls/mtls-without-certificate", &mtls_server, test_tls_mtls_without_certificate);
  add ("/sync/http/tls/mtls-unknown-certificate", &mtls_server, test_tls_mtls_unknown_certificate);

  add ("/sync/http/auth/bearer-accepted", &bearer_server, test_auth_bearer_accepted);
  add ("/sync/http/auth/bearer-refused", &bearer_server, test_auth_bearer_refused);
  add ("/sync/http/auth/bearer-not-in-errors", &bearer_server, test_auth_bearer_not_in_errors);
  add ("/sync/http/auth/oauth-token-fetched", &oauth_server, test_auth_oauth_token_fetched);
  add ("/sync/http/auth/oauth-refreshed-before-expiry", &oauth_server, test_auth_oauth_refreshed_before_expiry);
  add ("/sync/http/auth/oauth-revoked-token-replaced", &oauth_server, test_auth_oauth_revoked_token_replaced);
  add ("/sync/http/auth/oauth-wrong-secret", &oauth_server, test_auth_oauth_wrong_secret);

  add ("/sync/http/retry/server-errors-backoff", &plain_server, test_retry_server_errors);
  add ("/sync/http/retry/gives-up", &plain_server, test_retry_gives_up);
  add ("/sync/http/retry/retry-after-seconds", &plain_server, test_retry_after_seconds);
  add ("/sync/http/retry/retry-after-date", &plain_server, test_retry_after_date);
  add ("/sync/http/retry/retry-after-beyond-budget", &plain_server, test_retry_after_beyond_budget);
  add ("/sync/http/retry/not-on-client-error", &plain_server, test_retry_not_on_client_error);
  add ("/sync/http/retry/cancelled-while-waiting", &plain_server, test_retry_cancelled_while_waiting);
  add ("/sync/http/retry/real-wait-cancellable", &plain_server, test_retry_real_wait_cancellable);

  add ("/sync/http/fault/timeout", &plain_server, test_fault_timeout);
  add ("/sync/http/fault/lost-response-not-duplicated", &plain_server, test_fault_lost_response_not_duplicated);
  add ("/sync/http/fault/connection-reset", &plain_server, test_fault_connection_reset);
  add ("/sync/http/fault/truncated", &plain_server, test_fault_truncated);
  add ("/sync/http/fault/malformed-json", &plain_server, test_fault_malformed_json);
  add ("/sync/http/fault/wrong-content-type", &plain_server, test_fault_wrong_content_type);
  add ("/sync/http/fault/not-a-resource", &plain_server, test_fault_not_a_resource);
  add ("/sync/http/fault/oversized", &plain_server, test_fault_oversized);
  add ("/sync/http/fault/connect-refused", &plain_server, test_fault_connect_refused);
  add ("/sync/http/fault/killed-after-commit", &journal_server, test_fault_killed_after_commit);

  add ("/sync/http/rest/if-none-exist", &plain_server, test_rest_if_none_exist);
  add ("/sync/http/rest/if-match", &plain_server, test_rest_if_match);
  add ("/sync/http/rest/not-found", &plain_server, test_rest_not_found);
  add ("/sync/http/rest/paging", &plain_server, test_rest_paging);
  add ("/sync/http/rest/foreign-link-refused", &plain_server, test_rest_foreign_link_refused);
  add ("/sync/http/rest/date-header", &plain_server, test_rest_date_header);
  add ("/sync/http/rest/transaction", &plain_server, test_rest_transaction);
  add ("/sync/http/rest/seeded-incremental", &seeded_server, test_rest_seeded_incremental);
  add ("/sync/http/rest/history-deletions", &plain_server, test_rest_history_deletions);

  return g_test_run ();
}
