/* marctl-staff.c — marctl staff add|set-pin|list
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Who may change staff (docs/record.md, PINs): root; the terminal's
 * service account (the owner of the database file) for a new member of
 * staff or a first PIN; otherwise a member of IT with --it BADGE and their
 * PIN. Staff changes are in the audit chain at the terminal's clock, so
 * they take no --at.
 */

#define G_LOG_DOMAIN "marctl"

#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "marctl.h"
#include "mar-time.h"

static int
authority_for (MarctlSession      *session,
               const char         *it_badge,
               MarStaffAuthority  *authority,
               MarSignature      **it)
{
  struct stat info;
  int status = MARCTL_EXIT_OK;

  if (it_badge != NULL)
    {
      *it = marctl_sign_in (session, it_badge, _("IT"), &status);
      *authority = MAR_STAFF_AUTHORITY_IT;
      return *it != NULL ? MARCTL_EXIT_OK : status;
    }
  if (geteuid () == 0)
    {
      *authority = MAR_STAFF_AUTHORITY_ROOT;
      return MARCTL_EXIT_OK;
    }
  if (stat (mar_store_get_path (session->store), &info) == 0 && info.st_uid == geteuid ())
    {
      *authority = MAR_STAFF_AUTHORITY_SERVICE_ACCOUNT;
      return MARCTL_EXIT_OK;
    }
  marctl_print_error (_("staff changes need root, the terminal's service account (the owner of the "
                        "database), or a member of IT: give --it BADGE"));
  return MARCTL_EXIT_NOPERM;
}

static MarRole
parse_role (const char *text)
{
  if (g_strcmp0 (text, "nurse") == 0)
    return MAR_ROLE_NURSE;
  if (g_strcmp0 (text, "charge") == 0 || g_strcmp0 (text, "charge-nurse") == 0)
    return MAR_ROLE_CHARGE_NURSE;
  if (g_strcmp0 (text, "it") == 0)
    return MAR_ROLE_IT;
  return MAR_ROLE_NONE;
}

static const char *
role_name (MarRole role)
{
  switch (role)
    {
    case MAR_ROLE_NURSE: return "nurse";
    case MAR_ROLE_CHARGE_NURSE: return "charge";
    case MAR_ROLE_IT: return "it";
    case MAR_ROLE_NONE:
    default: return "none";
    }
}

static gboolean
read_new_pin (const char *badge,
              char       *pin,
              gsize       size)
{
  g_autofree char *prompt = g_strdup_printf (_("New PIN for %s (4 to 8 digits): "), badge);
  char again[64];
  gboolean same;

  if (!marctl_read_pin (prompt, pin, size))
    return FALSE;
  if (!isatty (STDIN_FILENO))
    return TRUE;
  /* Typed blind: typed twice. */
  if (!marctl_read_pin (_("The same PIN again: "), again, sizeof again))
    return FALSE;
  same = strcmp (pin, again) == 0;
  explicit_bzero (again, sizeof again);
  if (!same)
    marctl_print_error (_("the two PINs differ; nothing was changed"));
  return same;
}

static int
staff_add (MarctlContext *ctx,
           int            argc,
           char         **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("— add a member of staff to this terminal"));
  g_autoptr(GError) error = NULL;
  g_autofree char *badge = NULL, *name = NULL, *role = NULL, *it_badge = NULL;
  g_autoptr(MarSignature) it = NULL;
  g_autoptr(MarStaff) staff = NULL;
  MarctlActOptions options = { 0 };
  MarctlSession session;
  MarStaffAuthority authority;
  int status;
  GOptionEntry entries[] = {
    { "badge", 0, 0, G_OPTION_ARG_STRING, &badge, N_("The badge's identifier"), "BADGE" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("Name as people read it"), "NAME" },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role, N_("nurse, charge or it"), "ROLE" },
    { "it", 0, 0, G_OPTION_ARG_STRING, &it_badge, N_("Badge of the IT member who adds them (PIN on standard input)"), "BADGE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &options.json, N_("Print one JSON object"), NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      marctl_print_error ("%s", error->message);
      return MARCTL_EXIT_USAGE;
    }
  if (badge == NULL || name == NULL || parse_role (role) == MAR_ROLE_NONE || argc > 1)
    {
      marctl_print_error (_("staff add needs --badge B --name N --role nurse|charge|it"));
      return MARCTL_EXIT_USAGE;
    }
  status = marctl_session_open (ctx, &session, &options, FALSE);
  if (status == MARCTL_EXIT_OK)
    status = authority_for (&session, it_badge, &authority, &it);
  if (status == MARCTL_EXIT_OK)
    {
      staff = mar_staff_add_local (session.store, badge, name, parse_role (role), authority, it, session.now,
                                   &error);
      if (staff == NULL)
        {
          marctl_print_error ("%s", error->message);
          status = marctl_exit_code_for_error (error);
        }
      else if (options.json)
        {
          g_autoptr(JsonBuilder) builder = json_builder_new ();
          g_autoptr(JsonNode) root = NULL;

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "id");
          json_builder_add_string_value (builder, staff->id);
          json_builder_set_member_name (builder, "badge");
          json_builder_add_string_value (builder, staff->badge);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, staff->name);
          json_builder_set_member_name (builder, "role");
          json_builder_add_string_value (builder, role_name (staff->role));
          json_builder_end_object (builder);
          root = json_builder_get_root (builder);
          marctl_print_json (root);
        }
      else
        g_print (_("Added %s (%s, %s): set a PIN with 'marctl staff set-pin --badge %s'\n"),
                 staff->name, staff->badge, role_name (staff->role), staff->badge);
    }
  marctl_session_clear (&session);
  return status;
}

static int
staff_set_pin (MarctlContext *ctx,
               int            argc,
               char         **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("— set the PIN of a badge on this terminal"));
  g_autoptr(GError) error = NULL;
  g_autofree char *badge = NULL, *it_badge = NULL;
  g_autoptr(MarSignature) it = NULL;
  MarctlActOptions options = { 0 };
  MarctlSession session;
  MarStaffAuthority authority;
  char pin[64];
  int status;
  GOptionEntry entries[] = {
    { "badge", 0, 0, G_OPTION_ARG_STRING, &badge, N_("The badge whose PIN is set"), "BADGE" },
    { "it", 0, 0, G_OPTION_ARG_STRING, &it_badge, N_("Badge of the IT member who sets it (their PIN first on standard input)"), "BADGE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &options.json, N_("Print one JSON object"), NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context,
    _("The new PIN (4 to 8 digits) is read from standard input, one line, or asked for twice\n"
      "without echo on a terminal; never give it as an argument."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      marctl_print_error ("%s", error->message);
      return MARCTL_EXIT_USAGE;
    }
  if (badge == NULL || argc > 1)
    {
      marctl_print_error (_("staff set-pin needs --badge B"));
      return MARCTL_EXIT_USAGE;
    }
  status = marctl_session_open (ctx, &session, &options, FALSE);
  if (status == MARCTL_EXIT_OK)
    status = authority_for (&session, it_badge, &authority, &it);
  if (status == MARCTL_EXIT_OK && !read_new_pin (badge, pin, sizeof pin))
    {
      marctl_print_error (_("no new PIN given; nothing was changed"));
      status = MARCTL_EXIT_USAGE;
    }
  else if (status == MARCTL_EXIT_OK)
    {
      if (!mar_staff_set_pin (session.store, badge, pin, authority, it, session.now, &error))
        {
          marctl_print_error ("%s: %s", badge, error->message);
          status = marctl_exit_code_for_error (error);
        }
      else if (options.json)
        {
          g_autoptr(JsonNode) root = marctl_json_object_new ();

          json_object_set_string_member (json_node_get_object (root), "badge", badge);
          json_object_set_boolean_member (json_node_get_object (root), "pin_set", TRUE);
          marctl_print_json (root);
        }
      else
        g_print (_("PIN set for %s\n"), badge);
    }
  explicit_bzero (pin, sizeof pin);
  marctl_session_clear (&session);
  return status;
}

static int
staff_list (MarctlContext *ctx,
            int            argc,
            char         **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("— the staff this terminal knows"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  MarctlActOptions options = { 0 };
  MarctlSession session;
  int status;
  GOptionEntry entries[] = {
    { "at", 0, 0, G_OPTION_ARG_STRING, &options.at, N_("Show locks as of this time. Default: now"), "TIME" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &options.json, N_("Print one JSON object"), NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      marctl_print_error ("%s", error->message);
      g_free (options.at);
      return MARCTL_EXIT_USAGE;
    }
  status = marctl_session_open (ctx, &session, &options, FALSE);
  if (status == MARCTL_EXIT_OK && (accounts = mar_staff_list_accounts (session.store, &error)) == NULL)
    {
      marctl_print_error ("%s", error->message);
      status = marctl_exit_code_for_error (error);
    }
  if (status != MARCTL_EXIT_OK)
    {
      g_free (options.at);
      marctl_session_clear (&session);
      return status;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "staff");
  json_builder_begin_array (builder);
  for (guint i = 0; i < accounts->len; i++)
    {
      const MarStaffAccount *a = g_ptr_array_index (accounts, i);
      gboolean locked = a->locked_until != MAR_TIME_UNSET && a->locked_until > session.at;
      g_autofree char *until = locked ? mar_time_format_iso (a->locked_until, ctx->time_zone) : NULL;

      if (!options.json)
        {
          g_print ("%-8s %-28s %-7s %-8s %-6s %s%s\n", a->staff->badge != NULL ? a->staff->badge : "-",
                   a->staff->name != NULL ? a->staff->name : "-", role_name (a->staff->role),
                   a->staff->active ? _("active") : _("inactive"), a->has_pin ? _("PIN") : _("no PIN"),
                   locked ? _("locked until ") : "", locked ? until : "");
          continue;
        }
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, a->staff->id);
      json_builder_set_member_name (builder, "badge");
      json_builder_add_string_value (builder, a->staff->badge);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, a->staff->name);
      json_builder_set_member_name (builder, "role");
      json_builder_add_string_value (builder, role_name (a->staff->role));
      json_builder_set_member_name (builder, "active");
      json_builder_add_boolean_value (builder, a->staff->active);
      json_builder_set_member_name (builder, "local");
      json_builder_add_boolean_value (builder, a->local);
      json_builder_set_member_name (builder, "has_pin");
      json_builder_add_boolean_value (builder, a->has_pin);
      json_builder_set_member_name (builder, "failed_pins");
      json_builder_add_int_value (builder, a->failed_pins);
      json_builder_set_member_name (builder, "locked_until");
      if (locked)
        json_builder_add_string_value (builder, until);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  if (options.json)
    {
      g_autoptr(JsonNode) root = json_builder_get_root (builder);
      marctl_print_json (root);
    }
  g_free (options.at);
  marctl_session_clear (&session);
  return MARCTL_EXIT_OK;
}

int
marctl_staff_run (MarctlContext *ctx,
                  int            argc,
                  char         **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "add"))
    return staff_add (ctx, argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "set-pin"))
    return staff_set_pin (ctx, argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "list"))
    return staff_list (ctx, argc - 1, argv + 1);
  marctl_print_error (_("usage: marctl staff add|set-pin|list [OPTIONS] (see marctl staff add --help)"));
  return MARCTL_EXIT_USAGE;
}
