/* marctl-audit.c — marctl audit verify: is the administration record intact?
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Walks the hash chain and compares its end with the head file beside the
 * database (docs/record.md). Exit 0 when intact; 65 (EX_DATAERR) naming
 * the first bad entry otherwise.
 */

#define G_LOG_DOMAIN "marctl"

#include "config.h"

#include <glib/gi18n.h>

#include "marctl.h"
#include "mar-audit.h"

static int
run_verify (MarctlContext *ctx,
            int            argc,
            char         **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("");
  g_autoptr(GError) error = NULL;
  g_autofree char *head = NULL;
  g_autofree char *at = NULL;
  gboolean json = FALSE;
  MarAuditReport report;
  MarStore *store;
  int status = MARCTL_EXIT_OK;
  gint64 unused;
  GOptionEntry entries[] = {
    { "head", 0, 0, G_OPTION_ARG_FILENAME, &head, N_("The head file (default: the database's path + .chain)"), "FILE" },
    { "at", 0, 0, G_OPTION_ARG_STRING, &at, N_("Accepted for uniformity: the chain is checked as it is now"), "TIME" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object"), NULL },
    { NULL }
  };

  g_option_context_set_summary (context, _("Verify the administration record's hash chain and head file"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      marctl_print_error ("%s", error->message);
      return MARCTL_EXIT_USAGE;
    }
  if (argc != 1 || !marctl_parse_at (ctx, at, &unused))
    return MARCTL_EXIT_USAGE;
  store = marctl_context_get_store (ctx, &status);
  if (store == NULL)
    return status;
  if (!mar_audit_verify (store, head, &report, &error))
    {
      marctl_print_error ("%s", error->message);
      return marctl_exit_code_for_error (error);
    }

  if (json)
    {
      g_autoptr(JsonNode) root = marctl_json_object_new ();
      JsonObject *o = json_node_get_object (root);

      json_object_set_boolean_member (o, "intact", report.problem == MAR_AUDIT_INTACT);
      json_object_set_string_member (o, "problem", mar_audit_problem_to_string (report.problem));
      json_object_set_int_member (o, "entries", report.entries);
      json_object_set_int_member (o, "last_seq", report.last_seq);
      if (report.head_seq >= 0)
        json_object_set_int_member (o, "head_seq", report.head_seq);
      else
        json_object_set_null_member (o, "head_seq");
      if (report.problem != MAR_AUDIT_INTACT)
        {
          json_object_set_int_member (o, "first_bad_entry", report.first_bad_seq);
          json_object_set_string_member (o, "message", report.message);
        }
      marctl_print_json (root);
    }
  else if (report.problem == MAR_AUDIT_INTACT)
    {
      g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, report.entries);
      g_print (_("The record is intact: %s entries, the head file matches.\n"), count);
    }

  if (report.problem != MAR_AUDIT_INTACT)
    {
      g_autofree char *first = g_strdup_printf ("%" G_GINT64_FORMAT, report.first_bad_seq);

      marctl_print_error (_("the record is NOT intact, first bad entry %s: %s"), first, report.message);
      status = MARCTL_EXIT_DATAERR;
    }
  mar_audit_report_clear (&report);
  return status;
}

int
marctl_audit_run (MarctlContext *ctx,
                  int            argc,
                  char         **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "verify"))
    return run_verify (ctx, argc - 1, argv + 1);
  marctl_print_error (_("usage: marctl audit verify [--json]"));
  return MARCTL_EXIT_USAGE;
}
