/* marctl-reaction.c — marctl reaction add, marctl site-check add
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A severe or life-threatening reaction (or site complication) stops the
 * infusion unless --keep-running REASON says why it goes on (issue 4).
 */

#define G_LOG_DOMAIN "marctl"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "marctl.h"

typedef struct
{
  char   *kind;
  char   *severity;
  char  **actions;
  char  **findings;
  char   *outcome;
  char   *comment;
  char   *site;
  char   *keep_running;
  char   *volume;
} EventOptions;

static void
event_options_clear (EventOptions *o)
{
  g_free (o->kind);
  g_free (o->severity);
  g_strfreev (o->actions);
  g_strfreev (o->findings);
  g_free (o->outcome);
  g_free (o->comment);
  g_free (o->site);
  g_free (o->keep_running);
  g_free (o->volume);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EventOptions, event_options_clear)

static int
run (MarctlContext *ctx,
     int            argc,
     char         **argv,
     gboolean       site_check)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("add ID");
  g_auto(MarctlActOptions) act = { 0 };
  g_auto(EventOptions) o = { 0 };
  g_auto(MarctlSession) session = { 0 };
  g_autoptr(MarInfusion) bag = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *keep_reason = NULL;
  const char *keep_comment = NULL;
  double volume = 0;
  gint64 id, seq;
  int status;
  GOptionEntry entries[] = {
    MARCTL_ACT_OPTION_ENTRIES (act),
    { "kind", 0, 0, G_OPTION_ARG_STRING, &o.kind, N_("reaction: fever, chills, rigors, flushing, rash, urticaria, itching, dyspnea, wheeze, hypotension, tachycardia, nausea, anaphylaxis; or a site complication"), "KIND" },
    { "finding", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.findings, N_("site-check: infiltration, extravasation, phlebitis, redness, swelling, pain, discharge"), "FINDING" },
    { "severity", 0, 0, G_OPTION_ARG_STRING, &o.severity, N_("mild, moderate, severe, life-threatening"), "SEVERITY" },
    { "action", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.actions, N_("reaction: slowed, paused, stopped, provider-notified, medication-given"), "ACTION" },
    { "outcome", 0, 0, G_OPTION_ARG_STRING, &o.outcome, N_("reaction: resolved, recovering, ongoing, resolvedWithSequelae, fatal, unknown"), "OUTCOME" },
    { "site", 0, 0, G_OPTION_ARG_STRING, &o.site, N_("site-check: the IV site (default: the bag's)"), "SITE" },
    { "comment", 0, 0, G_OPTION_ARG_STRING, &o.comment, N_("A comment"), "TEXT" },
    { "keep-running", 0, 0, G_OPTION_ARG_STRING, &o.keep_running, N_("Severe, yet the infusion goes on: why (provider-instruction, benefit-outweighs-risk, other:COMMENT)"), "REASON[:COMMENT]" },
    { "volume", 0, 0, G_OPTION_ARG_STRING, &o.volume, N_("When it stops the infusion: the volume the pump says was infused"), "ML" },
    { NULL }
  };

  g_option_context_set_summary (context, site_check ? _("Document an IV site check")
                                                    : _("Document an infusion reaction or site complication"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      marctl_print_error ("%s", error->message);
      return MARCTL_EXIT_USAGE;
    }
  if (argc != 3 || !g_str_equal (argv[1], "add") || !marctl_parse_infusion_id (argv[2], &id) ||
      (!site_check && (o.kind == NULL || o.severity == NULL)))
    {
      marctl_print_error (site_check ? _("usage: marctl site-check add ID [--finding F]... [--severity S] --nurse B")
                                     : _("usage: marctl reaction add ID --kind K --severity S [--action A]... --nurse B"));
      return MARCTL_EXIT_USAGE;
    }
  if (o.volume != NULL && !marctl_parse_number ("--volume", o.volume, &volume))
    return MARCTL_EXIT_USAGE;
  if (o.keep_running != NULL)
    {
      const char *colon = strchr (o.keep_running, ':');

      keep_reason = colon != NULL ? g_strndup (o.keep_running, colon - o.keep_running) : g_strdup (o.keep_running);
      keep_comment = colon != NULL ? colon + 1 : NULL;
    }

  status = marctl_session_open (ctx, &session, &act, TRUE);
  if (status != MARCTL_EXIT_OK)
    return status;
  if (site_check)
    {
      MarSiteCheckRequest request = {
        .site = o.site, .findings = (const char * const *) o.findings, .severity = o.severity,
        .comment = o.comment, .keep_running_reason = keep_reason, .keep_running_comment = keep_comment,
        .stop_volume_ml = o.volume != NULL ? &volume : NULL,
      };
      seq = mar_record_add_site_check (session.record, &session.context, id, &request, &error);
    }
  else
    {
      MarReactionRequest request = {
        .kind = o.kind, .severity = o.severity, .actions = (const char * const *) o.actions,
        .outcome = o.outcome, .comment = o.comment, .keep_running_reason = keep_reason,
        .keep_running_comment = keep_comment, .stop_volume_ml = o.volume != NULL ? &volume : NULL,
      };
      seq = mar_record_add_reaction (session.record, &session.context, id, &request, &error);
    }
  if (seq == 0 || (bag = mar_record_get_infusion (session.record, id, &error)) == NULL)
    return marctl_report_failure (&session, NULL, error);
  if (act.json)
    {
      g_autoptr(JsonNode) node = mar_infusion_to_json (bag, session.at, ctx->time_zone);

      json_object_set_int_member (json_node_get_object (node), "entry", seq);
      marctl_print_json (node);
      return MARCTL_EXIT_OK;
    }
  return marctl_print_infusion (&session, bag, NULL);
}

int
marctl_reaction_run (MarctlContext *ctx,
                     int            argc,
                     char         **argv)
{
  return run (ctx, argc, argv, FALSE);
}

int
marctl_site_check_run (MarctlContext *ctx,
                       int            argc,
                       char         **argv)
{
  return run (ctx, argc, argv, TRUE);
}
