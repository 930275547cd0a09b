/* marctl-import.c — marctl import: load FHIR R4 data into the cache
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "marctl"

#include "config.h"

#include <glib/gi18n.h>

#include "marctl.h"
#include "mar-fhir-import.h"

int
marctl_import_run (MarctlContext *ctx,
                   int            argc,
                   char         **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *at = NULL;
  gboolean json = FALSE;
  gboolean shift_to_now = FALSE;
  MarStore *store;
  gint64 now;
  int status = MARCTL_EXIT_OK;
  GOptionEntry entries[] = {
    { "shift-to-now", 0, 0, G_OPTION_ARG_NONE, &shift_to_now, N_("Move the bundle in time so that its timestamp is now (the demo ward)"), NULL },
    { "at", 0, 0, G_OPTION_ARG_STRING, &at, N_("Record the import (a sync) at this time instead of now"), "TIME" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the counts as JSON"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("FILE… — load FHIR R4 Bundles or NDJSON files into the cache"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context,
    _("Each file is imported whole or not at all: one malformed resource rolls the\n"
      "file back, and the error names the entry and the field. Re-importing updates\n"
      "resources in place by id and version."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      marctl_print_error ("%s", error->message);
      return MARCTL_EXIT_USAGE;
    }
  if (argc < 2)
    {
      marctl_print_error (_("import needs at least one FILE (see marctl import --help)"));
      return MARCTL_EXIT_USAGE;
    }
  if (!marctl_parse_at (ctx, at, &now))
    return MARCTL_EXIT_USAGE;

  store = marctl_context_get_store (ctx, &status);
  if (store == NULL)
    return status;

  builder = json_builder_new ();
  json_builder_begin_array (builder);

  for (int i = 1; i < argc; i++)
    {
      MarFhirImportOptions options = {
        .time_zone = ctx->time_zone,
        .now = now,
        .shift_to = shift_to_now ? now : 0,
      };
      MarFhirImportStats stats = { 0 };
      guint created = 0, updated = 0, unchanged = 0, removed = 0;

      if (!mar_fhir_import_file (store, argv[i], &options, &stats, &error))
        {
          marctl_print_error ("%s", error->message);
          if (error->domain == MAR_FHIR_IMPORT_ERROR &&
              (error->code == MAR_FHIR_IMPORT_ERROR_NOT_FOUND ||
               error->code == MAR_FHIR_IMPORT_ERROR_NOT_A_FILE ||
               error->code == MAR_FHIR_IMPORT_ERROR_UNREADABLE))
            return MARCTL_EXIT_NOINPUT;
          if (error->domain == MAR_FHIR_IMPORT_ERROR || error->domain == MAR_FHIR_ERROR)
            return MARCTL_EXIT_DATAERR;
          return marctl_exit_code_for_error (error);
        }

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "file");
      json_builder_add_string_value (builder, argv[i]);
      json_builder_set_member_name (builder, "entries");
      json_builder_add_int_value (builder, stats.entries);
      json_builder_set_member_name (builder, "skipped");
      json_builder_add_int_value (builder, stats.skipped);
      json_builder_set_member_name (builder, "resources");
      json_builder_begin_object (builder);
      for (guint t = 0; t < MAR_FHIR_N_RESOURCE_TYPES; t++)
        {
          const MarFhirImportCounts *c = &stats.counts[t];

          created += c->created;
          updated += c->updated;
          unchanged += c->unchanged;
          removed += c->removed;
          if (c->created + c->updated + c->unchanged + c->removed == 0)
            continue;
          json_builder_set_member_name (builder, mar_fhir_resource_type_to_name (t));
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "created");
          json_builder_add_int_value (builder, c->created);
          json_builder_set_member_name (builder, "updated");
          json_builder_add_int_value (builder, c->updated);
          json_builder_set_member_name (builder, "unchanged");
          json_builder_add_int_value (builder, c->unchanged);
          json_builder_set_member_name (builder, "removed");
          json_builder_add_int_value (builder, c->removed);
          json_builder_end_object (builder);
        }
      json_builder_end_object (builder);
      json_builder_end_object (builder);

      if (!json)
        g_print (_("%s: %u entries — %u created, %u updated, %u unchanged, %u removed, %u skipped\n"),
                 argv[i], stats.entries, created, updated, unchanged, removed, stats.skipped);
    }

  json_builder_end_array (builder);
  if (json)
    {
      g_autoptr(JsonNode) root = json_builder_get_root (builder);
      marctl_print_json (root);
    }
  return MARCTL_EXIT_OK;
}
