/* marctl-infusion.c — marctl infusion: document IV bags
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   start | prepare | new-bag ID   verify the scans and hang (or prepare) a bag
 *   rate | pause | resume | bolus | stop | complete ID
 *   hold | refuse | missing | not-given [ID | --patient SCAN --order ORDER]
 *   correct ENTRY                  mark an entry entered in error
 *   show ID | list                 read the record
 *
 * Exit status (docs/record.md): 0 done, 3 a warning without a reason,
 * 4 a block or a refused action; sysexits for usage (64), bad values (65),
 * no such bag (66), sign-in and permission (77), database (74/75).
 */

#define G_LOG_DOMAIN "marctl"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "marctl.h"
#include "mar-time.h"

typedef struct
{
  char      *patient;
  char      *product;
  char      *rate;
  char      *vtbi;
  char      *site;
  char      *pump;
  char      *channel;
  char      *prn_reason;
  gboolean   patient_keyed;
  gboolean   product_keyed;
  char     **unable;
  char      *confirm_name;
  char      *confirm_birth_date;
  char      *confirm_mrn;
} StartOptions;

static void
start_options_clear (StartOptions *o)
{
  g_free (o->patient);
  g_free (o->product);
  g_free (o->rate);
  g_free (o->vtbi);
  g_free (o->site);
  g_free (o->pump);
  g_free (o->channel);
  g_free (o->prn_reason);
  g_strfreev (o->unable);
  g_free (o->confirm_name);
  g_free (o->confirm_birth_date);
  g_free (o->confirm_mrn);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (StartOptions, start_options_clear)

static gboolean
parse (GOptionContext  *context,
       const char      *summary,
       const char      *description,
       GOptionEntry    *entries,
       int             *argc,
       char          ***argv)
{
  g_autoptr(GError) error = NULL;

  g_option_context_set_summary (context, summary);
  if (description != NULL)
    g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      marctl_print_error ("%s", error->message);
      return FALSE;
    }
  return TRUE;
}

static MarScanResult *
resolve (MarctlSession *session,
         const char    *text,
         gboolean       keyed,
         int           *status)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = marctl_unescape_scan (text);
  MarScanResult *scan = mar_verifier_resolve_scan (session->verifier, data, -1,
                                                   keyed ? MAR_SCAN_SOURCE_KEYED : MAR_SCAN_SOURCE_SCANNER,
                                                   session->at, &error);

  if (scan == NULL)
    {
      marctl_print_error ("%s", error->message);
      *status = marctl_exit_code_for_error (error);
    }
  return scan;
}

static const char start_help[] =
  N_("Scans are given as the scanner delivers them (GS as \\x1d). \"Unable to scan\" replaces a scan\n"
     "by what was picked or typed: --unable-to-scan patient=damaged-wristband (or product=REASON:\n"
     "damaged-label, no-barcode, scanner-failure) with two of --confirm-name, --confirm-birth-date,\n"
     "--confirm-mrn. PINs are read from standard input, one per line: the nurse's, then the witness's.\n"
     "Exit status: 0 started, 3 a warning needs --override CODE=REASON, 4 stop (block, witness\n"
     "missing, bag already infusing: open it), 64–78 usage, sign-in and database errors.");

/* start, prepare, new-bag */
static int
run_start (MarctlContext *ctx,
           int            argc,
           char         **argv,
           const char    *what)
{
  g_autoptr(GOptionContext) context = g_option_context_new (g_str_equal (what, "new-bag") ? "ID" : "");
  g_auto(MarctlActOptions) act = { 0 };
  g_auto(StartOptions) o = { 0 };
  g_auto(MarctlSession) session = { 0 };
  g_autoptr(MarScanResult) patient = NULL;
  g_autoptr(MarScanResult) product = NULL;
  g_autoptr(MarRecordCheck) check = NULL;
  g_autoptr(MarInfusion) bag = NULL;
  g_autoptr(GError) error = NULL;
  gboolean prepare = g_str_equal (what, "prepare");
  MarUnableToScan unable = { 0 };
  gboolean with_unable = FALSE;
  MarStartRequest request = { 0 };
  int status;
  GOptionEntry entries[] = {
    MARCTL_ACT_OPTION_ENTRIES (act),
    { "patient", 0, 0, G_OPTION_ARG_FILENAME, &o.patient, N_("What the wristband scan delivered"), "SCAN" },
    { "product", 0, 0, G_OPTION_ARG_FILENAME, &o.product, N_("What the bag's scan delivered"), "SCAN" },
    { "rate", 0, 0, G_OPTION_ARG_STRING, &o.rate, N_("Rate set on the pump"), "ML_PER_H" },
    { "vtbi", 0, 0, G_OPTION_ARG_STRING, &o.vtbi, N_("Volume to be infused"), "ML" },
    { "site", 0, 0, G_OPTION_ARG_STRING, &o.site, N_("IV site"), "SITE" },
    { "pump", 0, 0, G_OPTION_ARG_STRING, &o.pump, N_("Pump"), "PUMP" },
    { "channel", 0, 0, G_OPTION_ARG_STRING, &o.channel, N_("Pump channel"), "CHANNEL" },
    { "prn-reason", 0, 0, G_OPTION_ARG_STRING, &o.prn_reason, N_("Why an as-needed dose is given"), "TEXT" },
    { "patient-keyed", 0, 0, G_OPTION_ARG_NONE, &o.patient_keyed, N_("The wristband was typed, not scanned"), NULL },
    { "product-keyed", 0, 0, G_OPTION_ARG_NONE, &o.product_keyed, N_("The product code was typed, not scanned"), NULL },
    { "unable-to-scan", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.unable, N_("A scan replaced (patient or product) and why"), "SLOT=REASON" },
    { "confirm-name", 0, 0, G_OPTION_ARG_STRING, &o.confirm_name, N_("Identifier confirmed with the patient: name"), "NAME" },
    { "confirm-birth-date", 0, 0, G_OPTION_ARG_STRING, &o.confirm_birth_date, N_("Identifier confirmed: date of birth"), "YYYY-MM-DD" },
    { "confirm-mrn", 0, 0, G_OPTION_ARG_STRING, &o.confirm_mrn, N_("Identifier confirmed: medical record number"), "MRN" },
    { NULL }
  };

  if (!parse (context, prepare ? _("Verify a bag at the bedside without hanging it")
                               : _("Verify the scans and start the bag (a new bag follows bag ID)"),
              _(start_help), entries, &argc, &argv))
    return MARCTL_EXIT_USAGE;
  if (g_str_equal (what, "new-bag") ? (argc != 2 || !marctl_parse_infusion_id (argv[1], &request.previous))
                                    : argc != 1)
    {
      marctl_print_error (_("infusion %s: unexpected arguments (see --help)"), what);
      return MARCTL_EXIT_USAGE;
    }
  if (o.patient == NULL || o.product == NULL || (!prepare && o.rate == NULL))
    {
      marctl_print_error (prepare ? _("infusion prepare needs --patient SCAN --product SCAN --nurse BADGE")
                                  : _("infusion start needs --patient SCAN --product SCAN --rate ML_PER_H "
                                      "--nurse BADGE"));
      return MARCTL_EXIT_USAGE;
    }
  if ((!prepare && !marctl_parse_number ("--rate", o.rate, &request.rate_ml_per_h)) ||
      (o.vtbi != NULL && !marctl_parse_number ("--vtbi", o.vtbi, &request.vtbi_ml)))
    return MARCTL_EXIT_USAGE;
  for (guint i = 0; o.unable != NULL && o.unable[i] != NULL; i++)
    {
      /* What replaces a scan is picked or typed: keyed. */
      if (g_str_has_prefix (o.unable[i], "patient="))
        {
          unable.patient_reason = o.unable[i] + strlen ("patient=");
          o.patient_keyed = TRUE;
        }
      else if (g_str_has_prefix (o.unable[i], "product="))
        {
          unable.product_reason = o.unable[i] + strlen ("product=");
          o.product_keyed = TRUE;
        }
      else
        {
          marctl_print_error (_("--unable-to-scan %s: expected patient=REASON or product=REASON"), o.unable[i]);
          return MARCTL_EXIT_USAGE;
        }
      with_unable = TRUE;
    }
  unable.confirmed_name = o.confirm_name;
  unable.confirmed_birth_date = o.confirm_birth_date;
  unable.confirmed_mrn = o.confirm_mrn;

  status = marctl_session_open (ctx, &session, &act, TRUE);
  if (status != MARCTL_EXIT_OK)
    return status;
  if ((patient = resolve (&session, o.patient, o.patient_keyed, &status)) == NULL ||
      (product = resolve (&session, o.product, o.product_keyed, &status)) == NULL)
    return status;

  if (prepare)
    bag = mar_record_prepare (session.record, &session.context, patient, product,
                              with_unable ? &unable : NULL, &check, &error);
  else
    {
      request.patient_scan = patient;
      request.product_scan = product;
      request.site = o.site;
      request.pump = o.pump;
      request.channel = o.channel;
      request.prn_reason = o.prn_reason;
      request.unable_to_scan = with_unable ? &unable : NULL;
      bag = mar_record_start (session.record, &session.context, &request, &check, &error);
    }
  if (bag == NULL)
    return marctl_report_failure (&session, check, error);
  return marctl_print_infusion (&session, bag, check);
}

/* rate, pause, resume, bolus, stop, complete: one bag, by its number. */
static int
run_bag_action (MarctlContext *ctx,
                int            argc,
                char         **argv,
                const char    *what)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("ID");
  g_auto(MarctlActOptions) act = { 0 };
  g_auto(MarctlSession) session = { 0 };
  g_autoptr(MarRecordCheck) check = NULL;
  g_autoptr(MarInfusion) bag = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *rate = NULL, *volume = NULL, *reason = NULL, *comment = NULL;
  double rate_value = 0, volume_value = 0;
  gint64 id;
  gboolean ok;
  int status;
  GOptionEntry entries[] = {
    MARCTL_ACT_OPTION_ENTRIES (act),
    { "rate", 0, 0, G_OPTION_ARG_STRING, &rate, N_("rate: the new rate"), "ML_PER_H" },
    { "volume", 0, 0, G_OPTION_ARG_STRING, &volume,
      N_("bolus: the volume given; stop, complete: the volume the pump says was infused"), "ML" },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("rate, pause, stop: the reason, from its list"), "REASON" },
    { "comment", 0, 0, G_OPTION_ARG_STRING, &comment, N_("A comment (needed with the reason “other”)"), "TEXT" },
    { NULL }
  };

  if (!parse (context, _("Document an action on a hung bag"),
              _("rate --rate R --reason R | pause --reason R | resume | bolus --volume ML |\n"
                "stop --reason R [--volume ML] | complete [--volume ML]. Reasons: docs/record.md."),
              entries, &argc, &argv))
    return MARCTL_EXIT_USAGE;
  if (argc != 2 || !marctl_parse_infusion_id (argv[1], &id))
    {
      marctl_print_error (_("infusion %s needs the bag's number (see marctl infusion list)"), what);
      return MARCTL_EXIT_USAGE;
    }
  if ((g_str_equal (what, "rate") && (rate == NULL || !marctl_parse_number ("--rate", rate, &rate_value))) ||
      (g_str_equal (what, "bolus") && (volume == NULL || !marctl_parse_number ("--volume", volume, &volume_value))) ||
      (volume != NULL && !marctl_parse_number ("--volume", volume, &volume_value)))
    {
      marctl_print_error (_("infusion %s: a number is missing (see --help)"), what);
      return MARCTL_EXIT_USAGE;
    }

  status = marctl_session_open (ctx, &session, &act, TRUE);
  if (status != MARCTL_EXIT_OK)
    return status;
  if (g_str_equal (what, "rate"))
    ok = mar_record_change_rate (session.record, &session.context, id, rate_value, reason, comment, &check, &error);
  else if (g_str_equal (what, "pause"))
    ok = mar_record_pause (session.record, &session.context, id, reason, comment, &error);
  else if (g_str_equal (what, "resume"))
    ok = mar_record_resume (session.record, &session.context, id, &check, &error);
  else if (g_str_equal (what, "bolus"))
    ok = mar_record_give_bolus (session.record, &session.context, id, volume_value, &check, &error);
  else if (g_str_equal (what, "stop"))
    ok = mar_record_stop (session.record, &session.context, id, volume != NULL ? &volume_value : NULL,
                          reason, comment, &error);
  else
    ok = mar_record_complete (session.record, &session.context, id, volume != NULL ? &volume_value : NULL,
                              comment, &error);
  if (!ok)
    return marctl_report_failure (&session, check, error);
  if ((bag = mar_record_get_infusion (session.record, id, &error)) == NULL)
    return marctl_report_failure (&session, NULL, error);
  return marctl_print_infusion (&session, bag, check);
}

/* hold, refuse, missing, not-given: a prepared bag, or a dose of an order. */
static int
run_not_done (MarctlContext *ctx,
              int            argc,
              char         **argv,
              const char    *what)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("[ID]");
  g_auto(MarctlActOptions) act = { 0 };
  g_auto(MarctlSession) session = { 0 };
  g_autoptr(MarScanResult) patient = NULL;
  g_autoptr(MarInfusion) bag = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *patient_text = NULL, *order = NULL, *reason = NULL, *comment = NULL;
  MarInfusionAction action = g_str_equal (what, "hold") ? MAR_INFUSION_ACTION_HOLD
                             : g_str_equal (what, "refuse") ? MAR_INFUSION_ACTION_REFUSE
                             : g_str_equal (what, "missing") ? MAR_INFUSION_ACTION_MISSING
                             : MAR_INFUSION_ACTION_NOT_GIVEN;
  MarNotDoneRequest request = { 0 };
  gint64 id = 0;
  int status;
  GOptionEntry entries[] = {
    MARCTL_ACT_OPTION_ENTRIES (act),
    { "patient", 0, 0, G_OPTION_ARG_FILENAME, &patient_text, N_("Without a bag: the wristband scan"), "SCAN" },
    { "order", 0, 0, G_OPTION_ARG_STRING, &order, N_("Without a bag: the order (MedicationRequest id)"), "ORDER" },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("The reason, from its list"), "REASON" },
    { "comment", 0, 0, G_OPTION_ARG_STRING, &comment, N_("A comment (needed with the reason “other”)"), "TEXT" },
    { NULL }
  };

  if (!parse (context, _("Document a dose held, refused, missing or not given"), NULL, entries, &argc, &argv))
    return MARCTL_EXIT_USAGE;
  if ((argc == 2 && !marctl_parse_infusion_id (argv[1], &id)) || argc > 2 ||
      (argc == 1 && (patient_text == NULL || order == NULL)) || reason == NULL)
    {
      marctl_print_error (_("infusion %s needs --reason REASON and a prepared bag's number, or --patient SCAN "
                            "--order ORDER"), what);
      return MARCTL_EXIT_USAGE;
    }
  status = marctl_session_open (ctx, &session, &act, TRUE);
  if (status != MARCTL_EXIT_OK)
    return status;
  if (id == 0)
    {
      if ((patient = resolve (&session, patient_text, FALSE, &status)) == NULL)
        return status;
      request.patient_scan = patient;
      request.order_id = order;
    }
  bag = mar_record_document_not_done (session.record, &session.context, action, id, reason, comment,
                                      id == 0 ? &request : NULL, &error);
  if (bag == NULL)
    return marctl_report_failure (&session, NULL, error);
  return marctl_print_infusion (&session, bag, NULL);
}

static int
run_correct (MarctlContext *ctx,
             int            argc,
             char         **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("ENTRY");
  g_auto(MarctlActOptions) act = { 0 };
  g_auto(MarctlSession) session = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL, *comment = NULL;
  gint64 entry, seq;
  int status;
  GOptionEntry entries[] = {
    MARCTL_ACT_OPTION_ENTRIES (act),
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why it was entered in error, from the list"), "REASON" },
    { "comment", 0, 0, G_OPTION_ARG_STRING, &comment, N_("A comment (needed with the reason “other”)"), "TEXT" },
    { NULL }
  };

  if (!parse (context, _("Mark a record entry entered in error (the entry numbers are in 'infusion show')"),
              NULL, entries, &argc, &argv))
    return MARCTL_EXIT_USAGE;
  if (argc != 2 || !marctl_parse_infusion_id (argv[1], &entry) || reason == NULL)
    {
      marctl_print_error (_("infusion correct needs the entry's number and --reason REASON"));
      return MARCTL_EXIT_USAGE;
    }
  status = marctl_session_open (ctx, &session, &act, TRUE);
  if (status != MARCTL_EXIT_OK)
    return status;
  seq = mar_record_correct (session.record, &session.context, entry, reason, comment, &error);
  if (seq == 0)
    return marctl_report_failure (&session, NULL, error);
  if (act.json)
    {
      g_autoptr(JsonNode) root = marctl_json_object_new ();

      json_object_set_int_member (json_node_get_object (root), "correction", seq);
      json_object_set_int_member (json_node_get_object (root), "corrects", entry);
      marctl_print_json (root);
    }
  else
    {
      g_autofree char *corrected = g_strdup_printf ("%" G_GINT64_FORMAT, entry);
      g_autofree char *correction = g_strdup_printf ("%" G_GINT64_FORMAT, seq);
      g_print (_("Entry %s marked entered in error (entry %s)\n"), corrected, correction);
    }
  return MARCTL_EXIT_OK;
}

static void
add_entries (MarctlSession *session,
             JsonObject    *object,
             gint64         id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = mar_record_list_entries (session->record, id, &error);
  g_autoptr(GHashTable) corrected = g_hash_table_new (g_int64_hash, g_int64_equal);
  JsonArray *array = json_array_new ();
  guint unpushed = 0;

  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      MarAuditEntry *e = g_ptr_array_index (entries, i);

      if (e->corrects_seq != 0)
        g_hash_table_add (corrected, &e->corrects_seq);
    }
  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      MarAuditEntry *e = g_ptr_array_index (entries, i);
      JsonObject *entry = json_object_new ();
      g_autofree char *at = mar_time_format_iso (e->at, session->ctx->time_zone);
      g_autofree char *recorded = mar_time_format_iso (e->recorded_at, session->ctx->time_zone);

      json_object_set_int_member (entry, "seq", e->seq);
      json_object_set_string_member (entry, "kind", e->kind);
      json_object_set_string_member (entry, "at", at);
      json_object_set_string_member (entry, "recorded_at", recorded);
      json_object_set_string_member (entry, "performer", e->performer_id);
      if (e->witness_id != NULL)
        json_object_set_string_member (entry, "witness", e->witness_id);
      if (e->corrects_seq != 0)
        json_object_set_int_member (entry, "corrects", e->corrects_seq);
      json_object_set_boolean_member (entry, "entered_in_error", g_hash_table_contains (corrected, &e->seq));
      json_array_add_object_element (array, entry);
    }
  json_object_set_array_member (object, "entries", array);
  if (mar_record_count_unpushed (session->record, id, &unpushed, NULL))
    json_object_set_int_member (object, "unsynced_entries", unpushed);
}

static int
run_show (MarctlContext *ctx,
          int            argc,
          char         **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("ID");
  g_auto(MarctlActOptions) act = { 0 };
  g_auto(MarctlSession) session = { 0 };
  g_autoptr(MarInfusion) bag = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  int status;
  GOptionEntry entries[] = {
    { "at", 0, 0, G_OPTION_ARG_STRING, &act.at, N_("The volume infused by this time. Default: now"), "TIME" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &act.json, N_("Print one JSON object"), NULL },
    { NULL }
  };

  if (!parse (context, _("Show a bag: state, rate segments, volume infused, entries"), NULL, entries, &argc, &argv))
    return MARCTL_EXIT_USAGE;
  if (argc != 2)
    {
      marctl_print_error (_("infusion show needs the bag's number or UUID"));
      return MARCTL_EXIT_USAGE;
    }
  status = marctl_session_open (ctx, &session, &act, FALSE);
  if (status != MARCTL_EXIT_OK)
    return status;
  bag = mar_record_lookup_infusion (session.record, argv[1], &error);
  if (bag == NULL)
    return marctl_report_failure (&session, NULL, error);

  node = mar_infusion_to_json (bag, session.at, ctx->time_zone);
  add_entries (&session, json_node_get_object (node), bag->id);
  if (act.json)
    marctl_print_json (node);
  else
    {
      JsonArray *segments = json_object_get_array_member (json_node_get_object (node), "segments");

      marctl_print_infusion (&session, bag, NULL);
      for (guint i = 0; i < json_array_get_length (segments); i++)
        {
          JsonObject *s = json_array_get_object_element (segments, i);
          JsonNode *end = json_object_get_member (s, "end");

          g_print ("  %s → %s  %g mL/h  %.1f mL\n", json_object_get_string_member (s, "start"),
                   JSON_NODE_HOLDS_NULL (end) ? "…" : json_node_get_string (end),
                   json_object_get_double_member (s, "rate_ml_h"), json_object_get_double_member (s, "volume_ml"));
        }
    }
  return MARCTL_EXIT_OK;
}

static int
run_list (MarctlContext *ctx,
          int            argc,
          char         **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("");
  g_auto(MarctlActOptions) act = { 0 };
  g_auto(MarctlSession) session = { 0 };
  g_autoptr(GPtrArray) bags = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *patient_text = NULL, *state_text = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *patient_id = NULL;
  MarInfusionState state = 0;
  int status;
  GOptionEntry entries[] = {
    { "patient", 0, 0, G_OPTION_ARG_FILENAME, &patient_text, N_("Only this patient's bags (wristband scan)"), "SCAN" },
    { "state", 0, 0, G_OPTION_ARG_STRING, &state_text, N_("Only bags in this state (infusing, paused, …)"), "STATE" },
    { "at", 0, 0, G_OPTION_ARG_STRING, &act.at, N_("Volumes by this time. Default: now"), "TIME" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &act.json, N_("Print one JSON object"), NULL },
    { NULL }
  };

  if (!parse (context, _("List the bags in this terminal's record, newest first"), NULL, entries, &argc, &argv))
    return MARCTL_EXIT_USAGE;
  if (argc != 1 || (state_text != NULL && !mar_infusion_state_from_string (state_text, &state)))
    {
      marctl_print_error (_("infusion list: unknown state or argument (states: available, infusing, paused, "
                            "stopped, completed, held, refused, missing, not-given, entered-in-error)"));
      return MARCTL_EXIT_USAGE;
    }
  status = marctl_session_open (ctx, &session, &act, FALSE);
  if (status != MARCTL_EXIT_OK)
    return status;
  if (patient_text != NULL)
    {
      g_autoptr(MarScanResult) scan = resolve (&session, patient_text, FALSE, &status);

      if (scan == NULL)
        return status;
      if (mar_scan_result_get_patient (scan) == NULL)
        {
          marctl_print_error (_("--patient %s names no patient on this terminal"), patient_text);
          return MARCTL_EXIT_NOINPUT;
        }
      patient_id = g_intern_string (mar_scan_result_get_patient (scan)->id);
    }
  bags = mar_record_list_infusions (session.record, patient_id, state_text != NULL ? (int) state : -1, &error);
  if (bags == NULL)
    return marctl_report_failure (&session, NULL, error);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "infusions");
  json_builder_begin_array (builder);
  for (guint i = 0; i < bags->len; i++)
    {
      MarInfusion *bag = g_ptr_array_index (bags, i);

      if (act.json)
        json_builder_add_value (builder, mar_infusion_to_json (bag, session.at, ctx->time_zone));
      else
        marctl_print_infusion (&session, bag, NULL);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  if (act.json)
    {
      g_autoptr(JsonNode) root = json_builder_get_root (builder);
      marctl_print_json (root);
    }
  return MARCTL_EXIT_OK;
}

int
marctl_infusion_run (MarctlContext *ctx,
                     int            argc,
                     char         **argv)
{
  static const char * const bag_actions[] = { "rate", "pause", "resume", "bolus", "stop", "complete", NULL };
  static const char * const not_done[] = { "hold", "refuse", "missing", "not-given", NULL };
  const char *what = argc >= 2 ? argv[1] : NULL;

  if (what == NULL)
    ;
  else if (g_str_equal (what, "start") || g_str_equal (what, "prepare") || g_str_equal (what, "new-bag"))
    return run_start (ctx, argc - 1, argv + 1, what);
  else if (g_strv_contains (bag_actions, what))
    return run_bag_action (ctx, argc - 1, argv + 1, what);
  else if (g_strv_contains (not_done, what))
    return run_not_done (ctx, argc - 1, argv + 1, what);
  else if (g_str_equal (what, "correct"))
    return run_correct (ctx, argc - 1, argv + 1);
  else if (g_str_equal (what, "show"))
    return run_show (ctx, argc - 1, argv + 1);
  else if (g_str_equal (what, "list"))
    return run_list (ctx, argc - 1, argv + 1);
  marctl_print_error (_("usage: marctl infusion start|prepare|new-bag|rate|pause|resume|bolus|stop|complete|"
                        "hold|refuse|missing|not-given|correct|show|list … (see marctl infusion start --help)"));
  return MARCTL_EXIT_USAGE;
}
