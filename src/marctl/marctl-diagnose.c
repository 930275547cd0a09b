/* marctl-diagnose.c — marctl diagnose and backup: what IT checks on a terminal
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `marctl diagnose` tests the connection to the FHIR server (when [server]
 * url is set) and the database's health, as the IT screen does. Exit 0 when
 * both are fine; 65 (EX_DATAERR) when the database fails its check; for the
 * connection the codes of `marctl sync`: 78 (EX_CONFIG) for settings, TLS
 * and credentials, 75 (EX_TEMPFAIL) for a server that cannot be reached or
 * does not answer in time, 1 when it answers but not as the FHIR server
 * Bedside MAR needs.
 *
 * `marctl backup FILE` copies the database (SQLite online backup), checks
 * the copy and renames it into place: 0, or 73 (EX_CANTCREAT) when FILE
 * cannot be written, 64 when FILE is the live database.
 */

#define G_LOG_DOMAIN "marctl"

#include "config.h"

#include <glib/gi18n.h>

#include "marctl.h"
#include "mar-diagnostics.h"
#include "mar-time.h"

static int
exit_code_for_outcome (const MarConnectionTest *test)
{
  switch (test->outcome)
    {
    case MAR_CONNECTION_OK:
      return test->missing->len == 0 ? MARCTL_EXIT_OK : MARCTL_EXIT_FAILURE;
    case MAR_CONNECTION_CONFIG:
    case MAR_CONNECTION_CERT_EXPIRED:
    case MAR_CONNECTION_WRONG_HOST:
    case MAR_CONNECTION_UNKNOWN_CA:
    case MAR_CONNECTION_PIN_MISMATCH:
    case MAR_CONNECTION_CLIENT_CERT:
    case MAR_CONNECTION_AUTH:
      return MARCTL_EXIT_CONFIG;
    case MAR_CONNECTION_REFUSED:
    case MAR_CONNECTION_TIMEOUT:
    case MAR_CONNECTION_LOST:
    case MAR_CONNECTION_CANCELLED:
      return MARCTL_EXIT_TEMPFAIL;
    case MAR_CONNECTION_HTTP_ERROR:
    case MAR_CONNECTION_NOT_FHIR:
    default:
      return MARCTL_EXIT_FAILURE;
    }
}

static const char *
outcome_code (MarConnectionOutcome outcome)
{
  static const char * const codes[] = {
    "ok", "config", "certificate-expired", "wrong-host", "unknown-ca", "pin-mismatch",
    "client-certificate", "refused", "timeout", "connection-lost", "auth", "http-error",
    "not-fhir", "cancelled",
  };

  if ((guint) outcome < G_N_ELEMENTS (codes))
    return codes[outcome];
  return "unknown";
}

static void
set_nullable_string (JsonObject *o,
                     const char *name,
                     const char *value)
{
  if (value != NULL)
    json_object_set_string_member (o, name, value);
  else
    json_object_set_null_member (o, name);
}

static JsonNode *
connection_to_json (const MarConnectionTest *test)
{
  JsonNode *node = marctl_json_object_new ();
  JsonObject *o = json_node_get_object (node);
  JsonArray *missing = json_array_new ();

  json_object_set_string_member (o, "outcome", outcome_code (test->outcome));
  json_object_set_boolean_member (o, "ok", mar_connection_test_is_ok (test));
  json_object_set_boolean_member (o, "tlsOk", mar_connection_outcome_tls_ok (test->outcome));
  json_object_set_string_member (o, "message", test->message);
  set_nullable_string (o, "detail", test->detail);
  json_object_set_int_member (o, "httpStatus", test->http_status);
  json_object_set_int_member (o, "elapsedMs", test->elapsed_ms);
  if (test->clock_skew_known)
    json_object_set_int_member (o, "clockSkew", test->clock_skew);
  else
    json_object_set_null_member (o, "clockSkew");
  json_object_set_boolean_member (o, "capabilityRead", test->capability_read);
  set_nullable_string (o, "fhirVersion", test->fhir_version);
  set_nullable_string (o, "softwareName", test->software_name);
  set_nullable_string (o, "softwareVersion", test->software_version);
  for (guint i = 0; i < test->missing->len; i++)
    json_array_add_string_element (missing, g_ptr_array_index (test->missing, i));
  json_object_set_array_member (o, "missing", missing);
  return node;
}

static JsonNode *
health_to_json (const MarDatabaseHealth *health)
{
  JsonNode *node = marctl_json_object_new ();
  JsonObject *o = json_node_get_object (node);
  JsonObject *counts = json_object_new ();

  json_object_set_string_member (o, "path", health->path);
  json_object_set_int_member (o, "size", health->size);
  json_object_set_int_member (o, "walSize", health->wal_size);
  json_object_set_int_member (o, "schemaVersion", health->schema_version);
  json_object_set_boolean_member (o, "integrityOk", health->integrity_ok);
  set_nullable_string (o, "integrityCheck", health->checked == MAR_INTEGRITY_FULL ? "integrity_check"
                                                                                : "quick_check");
  set_nullable_string (o, "integrityResult", health->integrity_result);
  if (health->last_backup > 0)
    {
      g_autofree char *when = mar_time_format_utc (health->last_backup);

      json_object_set_string_member (o, "lastBackup", when);
    }
  else
    json_object_set_null_member (o, "lastBackup");
  set_nullable_string (o, "lastBackupPath", health->last_backup_path);
  for (guint i = 0; i < health->counts->len; i++)
    {
      const MarDatabaseCount *count = &g_array_index (health->counts, MarDatabaseCount, i);

      json_object_set_int_member (counts, count->name, count->count);
    }
  json_object_set_object_member (o, "counts", counts);
  return node;
}

static char *
format_size (gint64 bytes)
{
  return g_format_size ((guint64) bytes);
}

static void
print_connection (MarctlContext           *ctx,
                  const MarConnectionTest *test)
{
  g_print (_("Connection: %s\n"), mar_connection_outcome_to_title (test->outcome));
  g_print ("  %s\n", test->message);
  if (test->http_status != 0)
    g_print (_("  HTTP status: %u\n"), test->http_status);
  if (test->clock_skew_known)
    {
      g_autofree char *skew = g_strdup_printf ("%+" G_GINT64_FORMAT, test->clock_skew);

      g_print (_("  Server clock minus this terminal's: %s s\n"), skew);
    }
  if (test->capability_read)
    {
      g_print (_("  FHIR version: %s\n"), test->fhir_version != NULL ? test->fhir_version : _("not stated"));
      if (test->software_name != NULL)
        g_print (_("  Server software: %s %s\n"), test->software_name,
                 test->software_version != NULL ? test->software_version : "");
      if (test->missing->len == 0)
        g_print (_("  Everything Bedside MAR reads and writes is supported.\n"));
      else
        {
          g_print (_("  Not declared by the server:\n"));
          for (guint i = 0; i < test->missing->len; i++)
            g_print ("    %s\n", (const char *) g_ptr_array_index (test->missing, i));
        }
    }
}

static void
print_health (MarctlContext           *ctx,
              const MarDatabaseHealth *health)
{
  g_autofree char *size = format_size (health->size);
  g_autofree char *wal = format_size (health->wal_size);

  g_print (_("Database: %s\n"), health->path);
  g_print (_("  Size: %s (write-ahead log %s), schema version %d\n"), size, wal,
           health->schema_version);
  g_print (_("  Integrity (%s): %s\n"),
           health->checked == MAR_INTEGRITY_FULL ? "integrity_check" : "quick_check",
           health->integrity_result);
  if (health->last_backup > 0)
    {
      g_autofree char *when = mar_time_format_iso (health->last_backup, ctx->time_zone);

      g_print (_("  Last backup: %s (%s)\n"), when,
               health->last_backup_path != NULL ? health->last_backup_path : "");
    }
  else
    g_print (_("  Last backup: never\n"));
  for (guint i = 0; i < health->counts->len; i++)
    {
      const MarDatabaseCount *count = &g_array_index (health->counts, MarDatabaseCount, i);
      g_autofree char *n = g_strdup_printf ("%" G_GINT64_FORMAT, count->count);

      g_print ("  %s: %s\n", count->label, n);
    }
}

int
marctl_diagnose_run (MarctlContext *ctx,
                     int            argc,
                     char         **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("");
  g_autoptr(GError) error = NULL;
  g_autoptr(MarConnectionTest) test = NULL;
  g_autoptr(MarDatabaseHealth) health = NULL;
  g_autofree char *url = NULL;
  gboolean json = FALSE;
  gboolean full = FALSE;
  MarStore *store;
  int status = MARCTL_EXIT_OK;
  GOptionEntry entries[] = {
    { "full", 0, 0, G_OPTION_ARG_NONE, &full, N_("Run the full integrity check (slower) instead of the quick one"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object"), NULL },
    { NULL }
  };

  g_option_context_set_summary (context, _("Test the connection to the FHIR server and check the database"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      marctl_print_error ("%s", error->message);
      return MARCTL_EXIT_USAGE;
    }
  if (argc != 1)
    {
      marctl_print_error (_("usage: marctl diagnose [--full] [--json]"));
      return MARCTL_EXIT_USAGE;
    }

  url = mar_config_dup_string (ctx->config, "server", "url");
  if (url != NULL)
    test = mar_diagnostics_test_connection_with_config (ctx->config, NULL);

  store = marctl_context_get_store (ctx, &status);
  if (store == NULL)
    return status;
  health = mar_diagnostics_check_database (store, full ? MAR_INTEGRITY_FULL : MAR_INTEGRITY_QUICK,
                                           &error);
  if (health == NULL)
    {
      marctl_print_error ("%s", error->message);
      return marctl_exit_code_for_error (error);
    }

  if (json)
    {
      g_autoptr(JsonNode) root = marctl_json_object_new ();
      JsonObject *o = json_node_get_object (root);

      if (test != NULL)
        json_object_set_member (o, "connection", connection_to_json (test));
      else
        json_object_set_null_member (o, "connection");
      json_object_set_member (o, "database", health_to_json (health));
      marctl_print_json (root);
    }
  else
    {
      if (test != NULL)
        print_connection (ctx, test);
      else
        g_print (_("Connection: not configured ([server] url is not set)\n"));
      print_health (ctx, health);
    }

  /* The database first: a damaged record matters more than a network. */
  if (!health->integrity_ok)
    return MARCTL_EXIT_DATAERR;
  if (test != NULL)
    return exit_code_for_outcome (test);
  return MARCTL_EXIT_OK;
}

int
marctl_backup_run (MarctlContext *ctx,
                   int            argc,
                   char         **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE"));
  g_autoptr(GError) error = NULL;
  g_autofree char *size_text = NULL;
  gboolean json = FALSE;
  MarStore *store;
  int status = MARCTL_EXIT_OK;
  gint64 size = 0;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object"), NULL },
    { NULL }
  };

  g_option_context_set_summary (context, _("Copy the database to FILE (SQLite online backup), checked"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      marctl_print_error ("%s", error->message);
      return MARCTL_EXIT_USAGE;
    }
  if (argc != 2)
    {
      marctl_print_error (_("usage: marctl backup FILE"));
      return MARCTL_EXIT_USAGE;
    }

  store = marctl_context_get_store (ctx, &status);
  if (store == NULL)
    return status;
  if (!mar_diagnostics_backup (store, argv[1], &size, &error))
    {
      marctl_print_error ("%s", error->message);
      switch ((MarDiagnosticsError) error->code)
        {
        case MAR_DIAGNOSTICS_ERROR_LIVE_DATABASE:
          return MARCTL_EXIT_USAGE;
        case MAR_DIAGNOSTICS_ERROR_WRITE:
        case MAR_DIAGNOSTICS_ERROR_FULL:
          return MARCTL_EXIT_CANTCREAT;
        case MAR_DIAGNOSTICS_ERROR_CORRUPT:
          return MARCTL_EXIT_DATAERR;
        case MAR_DIAGNOSTICS_ERROR_READ:
          return MARCTL_EXIT_IOERR;
        case MAR_DIAGNOSTICS_ERROR_FAILED:
        default:
          return MARCTL_EXIT_SOFTWARE;
        }
    }

  if (json)
    {
      g_autoptr(JsonNode) root = marctl_json_object_new ();
      JsonObject *o = json_node_get_object (root);

      json_object_set_string_member (o, "path", argv[1]);
      json_object_set_int_member (o, "size", size);
      json_object_set_boolean_member (o, "verified", TRUE);
      marctl_print_json (root);
    }
  else
    {
      size_text = g_format_size ((guint64) size);
      g_print (_("Backed up to %s (%s), checked.\n"), argv[1], size_text);
    }
  return MARCTL_EXIT_OK;
}
