/* test-diagnose.c — "Test connection" against the real FHIR R4 test server
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each case starts its own server (tests/fhir-server) with the certificate
 * it needs: the good one, an expired one, one for another host name; the
 * client's CA file and pin are varied. What IT reads must name the problem.
 */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "mar-diagnostics.h"
#include "sync-test-server.h"

typedef struct
{
  const char *certificate;
} Setup;

typedef struct
{
  const Setup *setup;
  TestServer  *server;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  TestServerOptions options = { 0 };

  f->setup = data;
  options.certificate = f->setup->certificate;
  options.quiet = TRUE;
  f->server = test_server_new ();
  test_server_start (f->server, &options, 0);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->server, test_server_free);
}

static MarConnectionTest *
run_test (Fixture    *f,
          const char *ca_name,
          const char *pin)
{
  g_autoptr(MarHttpConfig) config = test_server_http_config (f->server);
  MarConnectionTest *test;

  if (ca_name != NULL)
    {
      g_free (config->ca_file);
      config->ca_file = test_server_path (f->server, ca_name);
    }
  config->pinned_key = g_strdup (pin);
  test = mar_diagnostics_test_connection (config, NULL);
  g_test_message ("%s: %s (%s)", mar_connection_outcome_to_title (test->outcome), test->message,
                  test->detail != NULL ? test->detail : "");
  return test;
}

static void
test_success (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(MarConnectionTest) test = run_test (f, NULL, f->server->pin);

  g_assert_cmpint (test->outcome, ==, MAR_CONNECTION_OK);
  g_assert_true (mar_connection_test_is_ok (test));
  g_assert_true (mar_connection_outcome_tls_ok (test->outcome));
  g_assert_cmpuint (test->http_status, ==, 200);
  g_assert_true (test->capability_read);
  g_assert_cmpstr (test->fhir_version, ==, "4.0.1");
  g_assert_nonnull (test->software_name);
  g_assert_nonnull (strstr (test->software_name, "Bedside MAR test FHIR server"));
  /* The test server declares all thirteen types with what we need. */
  g_assert_cmpuint (test->missing->len, ==, 0);
  g_assert_true (test->clock_skew_known);
  g_assert_cmpint (ABS (test->clock_skew), <=, 2);
  g_assert_cmpint (test->elapsed_ms, >=, 0);
}

static void
test_clock_skew (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(JsonNode) reply = test_server_admin (f->server, "POST", "clock",
                                                 "{\"offsetSeconds\":-900}");
  g_autoptr(MarConnectionTest) test = NULL;

  g_assert_nonnull (reply);
  test = run_test (f, NULL, NULL);

  g_assert_cmpint (test->outcome, ==, MAR_CONNECTION_OK);
  g_assert_true (test->clock_skew_known);
  g_assert_cmpint (test->clock_skew, >=, -902);
  g_assert_cmpint (test->clock_skew, <=, -898);
}

static void
assert_failure (MarConnectionTest    *test,
                MarConnectionOutcome  outcome,
                const char           *words)
{
  g_assert_cmpint (test->outcome, ==, outcome);
  g_assert_false (mar_connection_test_is_ok (test));
  g_assert_false (mar_connection_outcome_tls_ok (test->outcome));
  g_assert_cmpuint (test->http_status, ==, 0);
  g_assert_false (test->capability_read);
  g_assert_nonnull (strstr (test->message, words));
}

static void
test_expired (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(MarConnectionTest) test = run_test (f, NULL, NULL);

  assert_failure (test, MAR_CONNECTION_CERT_EXPIRED, "expired");
  g_assert_cmpstr (mar_connection_outcome_to_title (test->outcome), ==, "Certificate expired");
}

static void
test_wrong_host (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(MarConnectionTest) test = run_test (f, NULL, NULL);

  assert_failure (test, MAR_CONNECTION_WRONG_HOST, "another host name");
}

static void
test_unknown_ca (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(MarConnectionTest) test = run_test (f, "other-ca.pem", NULL);

  assert_failure (test, MAR_CONNECTION_UNKNOWN_CA, "not issued by an authority");
}

static void
test_wrong_pin (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(MarConnectionTest) test = run_test (f, NULL,
                                                "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");

  assert_failure (test, MAR_CONNECTION_PIN_MISMATCH, "does not match the pin");
}

static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(MarHttpConfig) config = test_server_http_config (f->server);
  g_autoptr(MarConnectionTest) test = NULL;

  /* The same URL with nobody listening any more. */
  test_server_stop (f->server);
  test = mar_diagnostics_test_connection (config, NULL);
  assert_failure (test, MAR_CONNECTION_REFUSED, "cannot be reached");
}

static void
test_config_not_https (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(MarHttpConfig) config = mar_http_config_new ("http://127.0.0.1:8080/fhir");
  g_autoptr(MarConnectionTest) test = mar_diagnostics_test_connection (config, NULL);

  assert_failure (test, MAR_CONNECTION_CONFIG, "settings cannot work");
}

/* marctl diagnose against the server: exit codes as marctl sync's. */
static int
run_marctl (Fixture    *f,
            const char *config_text,
            char      **out)
{
  g_autofree char *config = g_build_filename (f->server->dir, "diagnose.conf", NULL);
  g_autofree char *db = g_build_filename (f->server->dir, "diagnose.db", NULL);
  g_auto(GStrv) env = g_get_environ ();
  g_autoptr(GError) error = NULL;
  const char *marctl = g_getenv ("MARCTL");
  const char *argv[] = { marctl, "--db", db, "--config", config, "diagnose", "--json", NULL };
  int wait_status = 0;

  g_assert_nonnull (marctl);
  g_assert_true (g_file_set_contents (config, config_text, -1, &error));
  env = g_environ_unsetenv (env, "BEDSIDE_MAR_DB");
  g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, out, NULL,
                &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  return WEXITSTATUS (wait_status);
}

static void
test_marctl_diagnose (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *ca = test_server_path (f->server, "ca.pem");
  g_autofree char *other_ca = test_server_path (f->server, "other-ca.pem");
  g_autofree char *good = g_strdup_printf ("[server]\nurl=%s\nca-file=%s\n", f->server->base_url, ca);
  g_autofree char *bad = g_strdup_printf ("[server]\nurl=%s\nca-file=%s\n", f->server->base_url, other_ca);
  g_autofree char *out = NULL;
  g_autofree char *bad_out = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *connection;

  g_assert_cmpint (run_marctl (f, good, &out), ==, 0);
  node = json_from_string (out, NULL);
  g_assert_nonnull (node);
  connection = json_object_get_object_member (json_node_get_object (node), "connection");
  g_assert_cmpstr (json_object_get_string_member (connection, "outcome"), ==, "ok");
  g_assert_cmpstr (json_object_get_string_member (connection, "fhirVersion"), ==, "4.0.1");
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (connection, "missing")), ==, 0);
  g_assert_false (json_object_get_null_member (connection, "clockSkew"));

  g_assert_cmpint (run_marctl (f, bad, &bad_out), ==, 78);
  g_assert_nonnull (strstr (bad_out, "unknown-ca"));
}

static const Setup good = { NULL };
static const Setup expired = { "expired" };
static const Setup wronghost = { "wronghost" };

int
main (int   argc,
      char *argv[])
{
  g_autofree char *missing = NULL;

  g_test_init (&argc, &argv, NULL);
  signal (SIGPIPE, SIG_IGN);

  missing = test_server_missing_prerequisite ();
  if (missing != NULL)
    {
      /* As the sync tests: a skipped connection test proves nothing. */
      g_printerr ("%s\n", missing);
      return 1;
    }

#define ADD(path, setup, func) g_test_add (path, Fixture, setup, fixture_setup, func, fixture_teardown)
  ADD ("/sync/diagnose/success", &good, test_success);
  ADD ("/sync/diagnose/clock-skew", &good, test_clock_skew);
  ADD ("/sync/diagnose/expired", &expired, test_expired);
  ADD ("/sync/diagnose/wrong-host", &wronghost, test_wrong_host);
  ADD ("/sync/diagnose/unknown-ca", &good, test_unknown_ca);
  ADD ("/sync/diagnose/wrong-pin", &good, test_wrong_pin);
  ADD ("/sync/diagnose/refused", &good, test_refused);
  ADD ("/sync/diagnose/config-not-https", &good, test_config_not_https);
  ADD ("/sync/diagnose/marctl", &good, test_marctl_diagnose);
#undef ADD

  return g_test_run ();
}
