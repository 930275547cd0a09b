/* marctl-library.c — marctl library: the drug library in force on this terminal
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The local drug library (high-alert rules, time-critical list, allergy
 * classes, code maps, rate limits, windows) is a versioned JSON file IT
 * maintains (docs/drug-library.md). `install` validates a file and puts it in
 * the database every process of the terminal reads; an invalid file is
 * refused with its error and the library in force stays.
 */

#define G_LOG_DOMAIN "marctl"

#include "config.h"

#include <glib/gi18n.h>

#include "marctl.h"
#include "mar-verifier.h"

static void
print_library (MarDrugLibrary *library,
               gboolean        json,
               const char     *origin)
{
  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, mar_drug_library_get_name (library));
      json_builder_set_member_name (builder, "version");
      json_builder_add_string_value (builder, mar_drug_library_get_version (library));
      json_builder_set_member_name (builder, "format_version");
      json_builder_add_int_value (builder, mar_drug_library_get_format_version (library));
      json_builder_set_member_name (builder, "source");
      json_builder_add_string_value (builder, origin);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      marctl_print_json (root);
    }
  else
    g_print (_("%s, version %s (format %d) — %s\n"), mar_drug_library_get_name (library),
             mar_drug_library_get_version (library), mar_drug_library_get_format_version (library), origin);
}

int
marctl_library_run (MarctlContext *ctx,
                    int            argc,
                    char         **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MarDrugLibrary) library = NULL;
  gboolean json = FALSE;
  const char *action;
  MarStore *store;
  int status = MARCTL_EXIT_OK;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("show | check FILE | install FILE — the drug library in force"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      marctl_print_error ("%s", error->message);
      return MARCTL_EXIT_USAGE;
    }
  action = argc >= 2 ? argv[1] : "show";

  if (g_str_equal (action, "check") || g_str_equal (action, "install"))
    {
      if (argc != 3)
        {
          marctl_print_error (_("library %s needs one FILE"), action);
          return MARCTL_EXIT_USAGE;
        }
      library = mar_drug_library_new_from_file (argv[2], &error);
      if (library == NULL)
        {
          marctl_print_error ("%s", error->message);
          return error->domain == G_FILE_ERROR ? MARCTL_EXIT_NOINPUT : MARCTL_EXIT_DATAERR;
        }
      if (g_str_equal (action, "check"))
        {
          print_library (library, json, argv[2]);
          return MARCTL_EXIT_OK;
        }

      store = marctl_context_get_store (ctx, &status);
      if (store == NULL)
        return status;
      if (!mar_drug_library_install (store, argv[2], &error))
        {
          marctl_print_error ("%s", error->message);
          return marctl_exit_code_for_error (error);
        }
      print_library (library, json, _("installed"));
      return MARCTL_EXIT_OK;
    }

  if (!g_str_equal (action, "show") || argc > 2)
    {
      marctl_print_error (_("unknown library action '%s' (show, check FILE, install FILE)"), action);
      return MARCTL_EXIT_USAGE;
    }

  store = marctl_context_get_store (ctx, &status);
  if (store == NULL)
    return status;
  library = mar_drug_library_load_installed (store, &error);
  if (library == NULL)
    {
      marctl_print_error (_("the installed drug library cannot be used: %s"), error->message);
      return MARCTL_EXIT_CONFIG;
    }
  print_library (library, json, _("in force"));
  return MARCTL_EXIT_OK;
}
