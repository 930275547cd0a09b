/* marctl.c — Bedside MAR's command line: configure, import, verify, sync
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Hospital IT configures, syncs and diagnoses a terminal headless with
 * marctl; scripts and tests drive the same core the bedside app uses.
 */

#define G_LOG_DOMAIN "marctl"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "marctl.h"
#include "mar-time.h"

static const MarctlCommand commands[] = {
  { "import", N_("Load a FHIR R4 Bundle or NDJSON file into the cache"), marctl_import_run },
  { "verify", N_("Verify a wristband and a product scan (the five rights)"), marctl_verify_run },
  { "library", N_("Show, check or install the local drug library"), marctl_library_run },
  { "decode", N_("Read the barcodes in an image file"), marctl_decode_run },
  { "labels", N_("Print the demo ward's wristbands, bag labels and badges (PDF)"), marctl_labels_run },
  { "staff", N_("Add staff, set PINs, list staff and their sign-in state"), marctl_staff_run },
  { "infusion", N_("Document IV bags: start, rate, pause, stop, complete, hold…"), marctl_infusion_run },
  { "reaction", N_("Document an infusion reaction or site complication"), marctl_reaction_run },
  { "site-check", N_("Document an IV site check"), marctl_site_check_run },
  { "audit", N_("Verify the administration record's hash chain"), marctl_audit_run },
  { "sync", N_("Push the outbox and pull what changed on the FHIR server"), marctl_sync_run },
  { "status", N_("Show the last sync, the outbox and what the server refused"), marctl_status_run },
  { "outbox", N_("Show or retry the records queued for the server"), marctl_outbox_run },
  { "shiftlog", N_("The shift log of a unit; review notes and sign-off"), marctl_shiftlog_run },
  { "report", N_("Shift reports: missed, variance, unable-to-scan, bags, reactions, intake; the downtime printout"), marctl_report_run },
  { "diagnose", N_("Test the connection to the FHIR server and check the database"), marctl_diagnose_run },
  { "backup", N_("Copy the database to a file, checked (SQLite online backup)"), marctl_backup_run },
};

void
marctl_print_error (const char *format,
                    ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("marctl: %s\n", message);
}

JsonNode *
marctl_json_object_new (void)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, json_object_new ());
  return node;
}

void
marctl_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

int
marctl_exit_code_for_error (const GError *error)
{
  if (error == NULL)
    return MARCTL_EXIT_OK;

  if (error->domain == MAR_CONFIG_ERROR)
    return MARCTL_EXIT_CONFIG;

  if (error->domain == MAR_STORE_ERROR)
    {
      switch (error->code)
        {
        case MAR_STORE_ERROR_BUSY:
          return MARCTL_EXIT_TEMPFAIL;
        case MAR_STORE_ERROR_READ_ONLY:
          return MARCTL_EXIT_NOPERM;
        case MAR_STORE_ERROR_NEWER_SCHEMA:
        case MAR_STORE_ERROR_CORRUPT:
          return MARCTL_EXIT_DATAERR;
        default:
          return MARCTL_EXIT_IOERR;
        }
    }

  /* docs/record.md, Exit codes: a refused action is 4 (3 when only a
   * reason is missing), like a verdict; sign-in failures are EX_NOPERM. */
  if (error->domain == MAR_RECORD_ERROR)
    {
      switch (error->code)
        {
        case MAR_RECORD_ERROR_OVERRIDE_REQUIRED:
          return MARCTL_EXIT_WARN;
        case MAR_RECORD_ERROR_BLOCKED:
        case MAR_RECORD_ERROR_REFUSED_TRANSITION:
        case MAR_RECORD_ERROR_FUTURE:
        case MAR_RECORD_ERROR_OUT_OF_ORDER:
        case MAR_RECORD_ERROR_OPEN_INFUSION:
          return MARCTL_EXIT_BLOCK;
        case MAR_RECORD_ERROR_INVALID:
          return MARCTL_EXIT_DATAERR;
        case MAR_RECORD_ERROR_NOT_FOUND:
          return MARCTL_EXIT_NOINPUT;
        case MAR_RECORD_ERROR_NOT_ALLOWED:
          return MARCTL_EXIT_NOPERM;
        default:
          return MARCTL_EXIT_SOFTWARE;
        }
    }

  if (error->domain == MAR_STAFF_AUTH_ERROR)
    {
      switch (error->code)
        {
        case MAR_STAFF_AUTH_ERROR_PIN_FORMAT:
        case MAR_STAFF_AUTH_ERROR_BADGE_IN_USE:
          return MARCTL_EXIT_DATAERR;
        case MAR_STAFF_AUTH_ERROR_FAILED:
          return MARCTL_EXIT_SOFTWARE;
        default:
          return MARCTL_EXIT_NOPERM;
        }
    }

  if (error->domain == MAR_AUDIT_ERROR)
    return MARCTL_EXIT_IOERR;

  if (error->domain == G_FILE_ERROR || error->domain == G_IO_ERROR)
    return MARCTL_EXIT_NOINPUT;

  return MARCTL_EXIT_SOFTWARE;
}

MarStore *
marctl_context_get_store (MarctlContext *ctx,
                          int           *exit_code)
{
  g_autoptr(GError) error = NULL;

  if (ctx->store != NULL)
    return ctx->store;

  ctx->store = mar_store_open (ctx->db_path, MAR_STORE_OPEN_DEFAULT, &error);
  if (ctx->store == NULL)
    {
      marctl_print_error ("%s", error->message);
      *exit_code = marctl_exit_code_for_error (error);
      return NULL;
    }
  return ctx->store;
}

gboolean
marctl_parse_at (MarctlContext *ctx,
                 const char    *at,
                 gint64        *out)
{
  if (at == NULL)
    {
      *out = g_get_real_time () / G_USEC_PER_SEC;
      return TRUE;
    }
  if (!mar_time_parse_user (at, ctx->time_zone, out))
    {
      marctl_print_error (_("--at %s: expected an ISO 8601 date and time such as "
                            "2026-11-22T08:00 or 2026-11-22T13:00:00Z"), at);
      return FALSE;
    }
  return TRUE;
}

char *
marctl_unescape_scan (const char *text)
{
  static const char * const gs_forms[] = { "\\x1d", "\\x1D", "\\u001d", "\\u001D", "<GS>" };
  GString *out = g_string_new (text);

  for (guint i = 0; i < G_N_ELEMENTS (gs_forms); i++)
    g_string_replace (out, gs_forms[i], "\x1d", 0);
  return g_string_free (out, FALSE);
}

static void
print_usage (FILE *stream)
{
  fprintf (stream, "%s", _("Usage: marctl [--db PATH] [--config FILE] COMMAND [OPTIONS]\n\n"));
  fprintf (stream, "%s", _("Commands:\n"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (stream, "  %-12s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (stream, "%s", _("\nRun 'marctl COMMAND --help' for a command's options.\n"
                           "The database is --db, else $BEDSIDE_MAR_DB, else [database] path in the\n"
                           "configuration, else " MAR_DEFAULT_DB_PATH ".\n"));
}

static void
context_clear (MarctlContext *ctx)
{
  g_clear_object (&ctx->store);
  g_clear_pointer (&ctx->config, mar_config_unref);
  g_clear_pointer (&ctx->time_zone, g_time_zone_unref);
  g_clear_pointer (&ctx->db_path, g_free);
  g_clear_pointer (&ctx->config_path, g_free);
}

int
main (int   argc,
      char *argv[])
{
  MarctlContext ctx = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *db_option = NULL;
  const MarctlCommand *command = NULL;
  int first = 1;
  int status;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Global options come before the command, so each command owns its own
   * option namespace (marctl --db X verify --patient ...). */
  while (first < argc && argv[first][0] == '-')
    {
      const char *arg = argv[first];
      const char *value = NULL;
      gboolean is_db = g_str_has_prefix (arg, "--db");
      gboolean is_config = g_str_has_prefix (arg, "--config");

      if (strcmp (arg, "--help") == 0 || strcmp (arg, "-h") == 0)
        {
          print_usage (stdout);
          return MARCTL_EXIT_OK;
        }
      if (strcmp (arg, "--version") == 0)
        {
          g_print ("marctl %s\n", PACKAGE_VERSION);
          return MARCTL_EXIT_OK;
        }
      if ((is_db && (arg[4] == '\0' || arg[4] == '=')) ||
          (is_config && (arg[8] == '\0' || arg[8] == '=')))
        {
          const char *eq = strchr (arg, '=');

          if (eq != NULL)
            value = eq + 1;
          else if (first + 1 < argc)
            value = argv[++first];
          if (value == NULL || *value == '\0')
            {
              marctl_print_error (_("%s needs a value"), is_db ? "--db" : "--config");
              return MARCTL_EXIT_USAGE;
            }
          if (is_db)
            {
              g_free (db_option);
              db_option = g_strdup (value);
            }
          else
            {
              g_free (ctx.config_path);
              ctx.config_path = g_strdup (value);
            }
          first++;
          continue;
        }
      marctl_print_error (_("unknown option %s"), arg);
      print_usage (stderr);
      return MARCTL_EXIT_USAGE;
    }

  if (first >= argc)
    {
      print_usage (stderr);
      return MARCTL_EXIT_USAGE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[first], commands[i].name) == 0)
      command = &commands[i];
  if (command == NULL)
    {
      marctl_print_error (_("unknown command '%s'"), argv[first]);
      print_usage (stderr);
      return MARCTL_EXIT_USAGE;
    }

  ctx.config = mar_config_load (ctx.config_path, &error);
  if (ctx.config == NULL)
    {
      marctl_print_error ("%s", error->message);
      context_clear (&ctx);
      return MARCTL_EXIT_CONFIG;
    }
  ctx.db_path = mar_config_dup_database_path (ctx.config, db_option);
  ctx.time_zone = mar_config_dup_time_zone (ctx.config);

  status = command->run (&ctx, argc - first, argv + first);
  context_clear (&ctx);
  return status;
}
