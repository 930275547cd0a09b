/* sync-test-server.c — the real FHIR R4 test server, for the sync tests
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <curl/curl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "mar-fhir.h"
#include "mar-time.h"
#include "sync-test-server.h"

static char *
server_file (const char *name)
{
  const char *srcdir = g_getenv ("G_TEST_SRCDIR");

  /* Benchmarks run without G_TEST_SRCDIR: the source tree then. */
  if (srcdir == NULL)
    return g_build_filename (MAR_SOURCE_ROOT, "tests", "fhir-server", name, NULL);
  return g_build_filename (srcdir, "fhir-server", name, NULL);
}

char *
test_server_missing_prerequisite (void)
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

void
test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        test_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

char *
test_server_path (TestServer *server,
                  const char *name)
{
  return g_build_filename (server->dir, name, NULL);
}

TestServer *
test_server_new (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *script = server_file ("make-certs.sh");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  TestServer *server = g_new0 (TestServer, 1);
  int status = 0;

  server->seeds = g_ptr_array_new_with_free_func (g_free);
  server->dir = g_dir_make_tmp ("mar-test-sync-XXXXXX", &error);
  g_assert_no_error (error);
  {
    const char *argv[] = { "/bin/sh", script, server->dir, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  }
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("make-certs.sh failed: %s", err);
  server->pin = g_strstrip (g_steal_pointer (&out));
  return server;
}

void
test_server_add_seed (TestServer *server,
                      const char *path)
{
  g_ptr_array_add (server->seeds, g_strdup (path));
}

static void
on_ready_line (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  char **line = user_data;
  char *text = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result, NULL, NULL);

  *line = text != NULL ? text : g_strdup ("");
}

static gboolean
on_ready_timeout (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* A failed assertion aborts the test program: its server goes with it. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

void
test_server_start (TestServer              *server,
                   const TestServerOptions *options,
                   guint                    port)
{
  static const TestServerOptions defaults = { 0 };
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *line = NULL;
  const char *cert;
  gboolean timed_out = FALSE;
  guint timeout_id;

  if (options == NULL)
    options = &defaults;
  cert = options->certificate != NULL ? options->certificate : "server";

  g_ptr_array_add (argv, g_strdup (g_getenv ("MAR_TEST_NODE")));
  g_ptr_array_add (argv, server_file ("server.mjs"));
  g_ptr_array_add (argv, g_strdup ("--cert"));
  g_ptr_array_add (argv, g_strdup_printf ("%s/%s.pem", server->dir, cert));
  g_ptr_array_add (argv, g_strdup ("--key"));
  g_ptr_array_add (argv, g_strdup_printf ("%s/%s.key", server->dir, cert));
  g_ptr_array_add (argv, g_strdup ("--port"));
  g_ptr_array_add (argv, g_strdup_printf ("%u", port));
  if (options->journal)
    {
      g_ptr_array_add (argv, g_strdup ("--state"));
      g_ptr_array_add (argv, test_server_path (server, "state.ndjson"));
    }
  if (options->page_size > 0)
    {
      g_ptr_array_add (argv, g_strdup ("--page-size"));
      g_ptr_array_add (argv, g_strdup_printf ("%u", options->page_size));
    }
  if (options->quiet)
    g_ptr_array_add (argv, g_strdup ("--quiet"));
  for (guint i = 0; i < server->seeds->len; i++)
    {
      g_ptr_array_add (argv, g_strdup ("--seed"));
      g_ptr_array_add (argv, g_strdup (g_ptr_array_index (server->seeds, i)));
    }
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  server->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  g_data_input_stream_read_line_async (out, G_PRIORITY_DEFAULT, NULL, on_ready_line, &line);
  /* Generous: Node loads the FHIR definitions (and the seeds) first. */
  timeout_id = g_timeout_add_seconds (120, on_ready_timeout, &timed_out);
  while (line == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timeout_id);
  else
    {
      g_subprocess_force_exit (server->process);
      while (line == NULL)
        g_main_context_iteration (NULL, TRUE);
    }
  if (timed_out || *line == '\0' || !json_parser_load_from_data (parser, line, -1, NULL))
    g_error ("The test FHIR server did not start (see its messages above); "
             "if its packages are missing, run tools/install-test-tools");

  server->port = (guint) json_object_get_int_member (json_node_get_object (json_parser_get_root (parser)), "port");
  g_free (server->base_url);
  server->base_url = g_strdup_printf ("https://127.0.0.1:%u/fhir", server->port);
}

void
test_server_stop (TestServer *server)
{
  if (server->process == NULL)
    return;
  g_subprocess_force_exit (server->process);
  g_subprocess_wait (server->process, NULL, NULL);
  g_clear_object (&server->process);
}

void
test_server_reap (TestServer *server)
{
  if (server->process == NULL)
    return;
  g_subprocess_wait (server->process, NULL, NULL);
  g_clear_object (&server->process);
}

void
test_server_free (TestServer *server)
{
  if (server == NULL)
    return;
  test_server_stop (server);
  test_remove_tree (server->dir);
  g_free (server->dir);
  g_free (server->pin);
  g_free (server->base_url);
  g_ptr_array_unref (server->seeds);
  g_free (server);
}

static size_t
collect (char   *ptr,
         size_t  size,
         size_t  nmemb,
         void   *user_data)
{
  g_string_append_len (user_data, ptr, (gssize) (size * nmemb));
  return size * nmemb;
}

/* With libcurl directly: admin requests must work whatever the client
 * under test is configured to do. */
JsonNode *
test_server_admin (TestServer *server,
                   const char *method,
                   const char *path,
                   const char *body)
{
  CURL *curl = curl_easy_init ();
  g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u/__admin/%s", server->port, path);
  g_autofree char *ca = test_server_path (server, "ca.pem");
  g_autoptr(GString) reply = g_string_new (NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  long status = 0;
  CURLcode code;

  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_CAINFO, ca);
  curl_easy_setopt (curl, CURLOPT_PROXY, "");
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
  if (status != 200)
    g_error ("admin %s %s: HTTP %ld %s", method, path, status, reply->str);
  json_parser_load_from_data (parser, reply->str, (gssize) reply->len, &error);
  g_assert_no_error (error);
  return json_node_ref (json_parser_get_root (parser));
}

void
test_server_fault (TestServer *server,
                   const char *fault_json)
{
  json_node_unref (test_server_admin (server, "POST", "faults", fault_json));
}

gint64
test_server_count (TestServer *server,
                   const char *type,
                   const char *query)
{
  g_autofree char *path = g_strdup_printf ("count?type=%s%s%s", type, query != NULL ? "&" : "",
                                           query != NULL ? query : "");
  g_autoptr(JsonNode) reply = test_server_admin (server, "GET", path, NULL);

  return json_object_get_int_member (json_node_get_object (reply), "count");
}

GPtrArray *
test_server_requests (TestServer *server)
{
  g_autoptr(JsonNode) reply = test_server_admin (server, "GET", "requests", NULL);
  JsonArray *requests = json_object_get_array_member (json_node_get_object (reply), "requests");
  GPtrArray *targets = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < json_array_get_length (requests); i++)
    {
      JsonObject *r = json_array_get_object_element (requests, i);
      const char *query = json_object_get_string_member (r, "query");

      g_ptr_array_add (targets, g_strdup_printf ("%s %s%s%s", json_object_get_string_member (r, "method"),
                                                 json_object_get_string_member (r, "path"),
                                                 *query != '\0' ? "?" : "", query));
    }
  return targets;
}

MarHttpConfig *
test_server_http_config (TestServer *server)
{
  MarHttpConfig *config = mar_http_config_new (server->base_url);

  config->ca_file = test_server_path (server, "ca.pem");
  config->timeout_ms = 30000;
  return config;
}

MarHttpClient *
test_server_client (TestServer *server)
{
  g_autoptr(MarHttpConfig) config = test_server_http_config (server);
  g_autoptr(GError) error = NULL;
  MarHttpClient *client = mar_http_client_new (config, &error);

  g_assert_no_error (error);
  return client;
}

/* ------------------------------------------------------------------------ */
/* The demo ward, moved to now                                              */

char *
test_write_shifted_demo (const char *dir,
                         gint64      now,
                         GTimeZone  *tz)
{
  g_autofree char *source = g_build_filename (MAR_SOURCE_ROOT, "data", "demo", "demo-ward.json", NULL);
  g_autofree char *path = g_build_filename (dir, "demo-ward-now.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *bundle;
  JsonArray *entries;
  MarFhirOptions options = { .time_zone = tz };
  gint64 anchor, moved;
  int y1, m1, d1, h, mi, s, y2, m2, d2;
  GDate from, to;

  json_parser_load_from_file (parser, source, &error);
  g_assert_no_error (error);
  bundle = json_node_get_object (json_parser_get_root (parser));

  /* As mar-fhir-import.c moves it: whole local days, then the rest to
   * the minute (data/demo/README.md, "Time shift"). */
  g_assert_true (mar_time_parse_fhir (json_object_get_string_member (bundle, "timestamp"), tz,
                                      &anchor, NULL, NULL));
  mar_time_to_local (tz, anchor, &y1, &m1, &d1, &h, &mi, &s);
  mar_time_to_local (tz, now, &y2, &m2, &d2, NULL, NULL, NULL);
  g_date_clear (&from, 1);
  g_date_clear (&to, 1);
  g_date_set_dmy (&from, (GDateDay) d1, (GDateMonth) m1, (GDateYear) y1);
  g_date_set_dmy (&to, (GDateDay) d2, (GDateMonth) m2, (GDateYear) y2);
  moved = mar_time_from_local (tz, y2, m2, d2, h, mi, s);
  options.shift_seconds = (gint64) g_date_days_between (&from, &to) * 86400;
  options.shift_extra_seconds = (now - moved) / 60 * 60;

  entries = json_object_get_array_member (bundle, "entry");
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *resource = json_object_get_object_member (json_array_get_object_element (entries, i),
                                                            "resource");
      g_autoptr(MarFhirResource) read = mar_fhir_read_resource (resource, &options, &error);

      g_assert_no_error (error);
      g_assert_nonnull (read);
    }

  json_generator_set_root (generator, json_parser_get_root (parser));
  json_generator_to_file (generator, path, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}
