/* marctl-record.c — what the record's commands share: signing in, the action context, output
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Acting staff authenticate with --nurse BADGE (and --witness BADGE). Their
 * PINs are never in argv (a process list shows it to everyone): they are
 * read one per line from standard input when it is not a terminal (the
 * nurse's first, then the witness's), or prompted for without echo when
 * it is. The PIN is checked against the terminal's clock, whatever --at
 * says (a lock is not stepped around with a clinical time).
 */

#define G_LOG_DOMAIN "marctl"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "marctl.h"
#include "mar-time.h"

#define PIN_BUFFER 64

static gboolean
read_line_no_echo (FILE  *in,
                   FILE  *out,
                   const char *prompt,
                   char  *buffer,
                   gsize  size)
{
  struct termios saved, quiet;
  gboolean terminal = isatty (fileno (in));
  char *got;

  if (terminal)
    {
      fprintf (out, "%s", prompt);
      fflush (out);
      tcgetattr (fileno (in), &saved);
      quiet = saved;
      quiet.c_lflag &= ~(tcflag_t) ECHO;
      tcsetattr (fileno (in), TCSAFLUSH, &quiet);
    }
  got = fgets (buffer, (int) size, in);
  if (terminal)
    {
      tcsetattr (fileno (in), TCSAFLUSH, &saved);
      fprintf (out, "\n");
    }
  if (got == NULL)
    return FALSE;
  buffer[strcspn (buffer, "\r\n")] = '\0';
  return TRUE;
}

gboolean
marctl_read_pin (const char  *prompt,
                 char        *buffer,
                 gsize        size)
{
  FILE *tty;
  gboolean ok;

  if (!isatty (STDIN_FILENO))
    return read_line_no_echo (stdin, stderr, prompt, buffer, size);

  /* Prompt on the terminal itself, so a redirected stdout stays clean. */
  tty = fopen ("/dev/tty", "r+");
  if (tty == NULL)
    return read_line_no_echo (stdin, stderr, prompt, buffer, size);
  ok = read_line_no_echo (tty, tty, prompt, buffer, size);
  fclose (tty);
  return ok;
}

MarSignature *
marctl_sign_in (MarctlSession *session,
                const char    *badge,
                const char    *who,
                int           *exit_code)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *prompt = g_strdup_printf (_("PIN for %s (%s): "), badge, who);
  char pin[PIN_BUFFER];
  MarSignature *signature;

  if (!marctl_read_pin (prompt, pin, sizeof pin))
    {
      marctl_print_error (_("no PIN for %s (%s): give PINs one per line on standard input, the "
                            "nurse's first, then the witness's"), badge, who);
      *exit_code = MARCTL_EXIT_NOPERM;
      return NULL;
    }
  signature = mar_staff_sign_in (session->store, badge, pin, g_get_real_time () / G_USEC_PER_SEC, &error);
  explicit_bzero (pin, sizeof pin);
  if (signature == NULL)
    {
      marctl_print_error ("%s (%s): %s", badge, who, error->message);
      *exit_code = marctl_exit_code_for_error (error);
    }
  return signature;
}

static gboolean
parse_override (const char  *text,
                MarOverride *out)
{
  const char *eq = strchr (text, '=');
  const char *colon;

  if (eq == NULL || eq == text || eq[1] == '\0')
    return FALSE;
  colon = strchr (eq + 1, ':');
  out->code = g_strndup (text, eq - text);
  out->reason = colon != NULL ? g_strndup (eq + 1, colon - (eq + 1)) : g_strdup (eq + 1);
  out->comment = colon != NULL && colon[1] != '\0' ? g_strdup (colon + 1) : NULL;
  return TRUE;
}

int
marctl_session_open (MarctlContext           *ctx,
                     MarctlSession           *session,
                     const MarctlActOptions  *options,
                     gboolean                 acts)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarDrugLibrary) library = NULL;
  MarScanOptions scan_options = { 0 };
  int status = MARCTL_EXIT_OK;

  memset (session, 0, sizeof *session);
  session->ctx = ctx;
  session->json = options->json;
  session->now = g_get_real_time () / G_USEC_PER_SEC;
  if (!marctl_parse_at (ctx, options->at, &session->at))
    return MARCTL_EXIT_USAGE;
  if (options->at == NULL)
    session->at = session->now;

  if (acts && options->nurse == NULL)
    {
      marctl_print_error (_("who documents it? give --nurse BADGE"));
      return MARCTL_EXIT_USAGE;
    }
  for (guint i = 0; options->overrides != NULL && options->overrides[i] != NULL; i++)
    {
      MarOverride o = { 0 };

      if (!parse_override (options->overrides[i], &o))
        {
          marctl_print_error (_("--override %s: expected CODE=REASON or CODE=REASON:COMMENT "
                                "(e.g. RATE_MISMATCH=provider-order)"), options->overrides[i]);
          return MARCTL_EXIT_USAGE;
        }
      if (session->overrides == NULL)
        session->overrides = g_array_new (FALSE, TRUE, sizeof (MarOverride));
      g_array_append_val (session->overrides, o);
    }

  session->store = marctl_context_get_store (ctx, &status);
  if (session->store == NULL)
    return status;
  library = mar_drug_library_load_installed (session->store, &error);
  if (library == NULL)
    {
      marctl_print_error (_("the installed drug library cannot be used: %s"), error->message);
      return MARCTL_EXIT_CONFIG;
    }
  mar_config_get_scan_options (ctx->config, &scan_options);
  session->verifier = mar_verifier_new (session->store, library, ctx->time_zone, &scan_options);
  session->record = mar_record_new (session->verifier, &error);
  if (session->record == NULL)
    {
      marctl_print_error ("%s", error->message);
      return marctl_exit_code_for_error (error);
    }

  if (acts)
    {
      session->nurse = marctl_sign_in (session, options->nurse, _("nurse"), &status);
      if (session->nurse == NULL)
        return status;
      if (options->witness != NULL)
        {
          session->witness = marctl_sign_in (session, options->witness, _("witness"), &status);
          if (session->witness == NULL)
            return status;
        }
    }

  session->context.at = session->at;
  session->context.now = session->now;
  session->context.nurse = session->nurse;
  session->context.witness = session->witness;
  if (session->overrides != NULL)
    {
      session->context.overrides = &g_array_index (session->overrides, MarOverride, 0);
      session->context.n_overrides = session->overrides->len;
    }
  return MARCTL_EXIT_OK;
}

void
marctl_session_clear (MarctlSession *session)
{
  for (guint i = 0; session->overrides != NULL && i < session->overrides->len; i++)
    {
      MarOverride *o = &g_array_index (session->overrides, MarOverride, i);

      g_free ((char *) o->code);
      g_free ((char *) o->reason);
      g_free ((char *) o->comment);
    }
  g_clear_pointer (&session->overrides, g_array_unref);
  g_clear_pointer (&session->nurse, mar_signature_unref);
  g_clear_pointer (&session->witness, mar_signature_unref);
  g_clear_object (&session->record);
  g_clear_object (&session->verifier);
}

gboolean
marctl_parse_infusion_id (const char *text,
                          gint64     *id)
{
  char *end = NULL;

  if (text == NULL)
    return FALSE;
  *id = g_ascii_strtoll (text, &end, 10);
  return end != text && *end == '\0' && *id > 0;
}

static const char *
record_error_name (int code)
{
  switch (code)
    {
    case MAR_RECORD_ERROR_BLOCKED: return "blocked";
    case MAR_RECORD_ERROR_OVERRIDE_REQUIRED: return "override-required";
    case MAR_RECORD_ERROR_REFUSED_TRANSITION: return "refused-transition";
    case MAR_RECORD_ERROR_INVALID: return "invalid";
    case MAR_RECORD_ERROR_FUTURE: return "future";
    case MAR_RECORD_ERROR_OUT_OF_ORDER: return "out-of-order";
    case MAR_RECORD_ERROR_NOT_FOUND: return "not-found";
    case MAR_RECORD_ERROR_NOT_ALLOWED: return "not-allowed";
    case MAR_RECORD_ERROR_OPEN_INFUSION: return "open-infusion";
    case MAR_RECORD_ERROR_FAILED:
    default: return "failed";
    }
}

static void
print_check_text (MarRecordCheck *check)
{
  GPtrArray *items = mar_record_check_get_items (check);

  for (guint i = 0; i < items->len; i++)
    {
      const MarCheckItem *item = g_ptr_array_index (items, i);

      g_print ("  [%s] %s: %s%s%s\n", mar_severity_to_string (item->severity), item->code, item->message,
               item->override_reason != NULL ? _(" — going on: ") : "",
               item->override_reason != NULL ? item->override_reason : "");
    }
}

int
marctl_report_failure (MarctlSession  *session,
                       MarRecordCheck *check,
                       const GError   *error)
{
  if (session->json && error->domain == MAR_RECORD_ERROR)
    {
      g_autoptr(JsonNode) node = check != NULL ? mar_record_check_to_json (check, session->ctx->time_zone)
                                               : marctl_json_object_new ();
      JsonObject *object = json_node_get_object (node);

      json_object_set_string_member (object, "error", record_error_name (error->code));
      json_object_set_string_member (object, "message", error->message);
      marctl_print_json (node);
    }
  else if (check != NULL)
    print_check_text (check);
  marctl_print_error ("%s", error->message);
  if (check != NULL && mar_record_check_get_open_infusion (check) != 0)
    {
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, mar_record_check_get_open_infusion (check));
      marctl_print_error (_("open bag %s instead (marctl infusion show %s)"), id, id);
    }
  return marctl_exit_code_for_error (error);
}

int
marctl_print_infusion (MarctlSession     *session,
                       const MarInfusion *bag,
                       MarRecordCheck    *check)
{
  g_autoptr(JsonNode) node = mar_infusion_to_json (bag, session->at, session->ctx->time_zone);

  if (session->json)
    {
      if (check != NULL)
        json_object_set_member (json_node_get_object (node), "check",
                                mar_record_check_to_json (check, session->ctx->time_zone));
      marctl_print_json (node);
    }
  else
    {
      JsonObject *o = json_node_get_object (node);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, bag->id);
      const char *medication = bag->medication != NULL ? bag->medication : "?";

      if (bag->started_at != MAR_TIME_UNSET)
        g_print (_("Bag %s: %s — %s at %g mL/h, %.1f mL infused\n"), id, medication,
                 mar_infusion_state_get_label (bag->state), bag->rate_ml_per_h,
                 json_object_get_double_member (o, "volume_infused_ml"));
      else
        g_print (_("Bag %s: %s — %s\n"), id, medication, mar_infusion_state_get_label (bag->state));
      if (check != NULL)
        print_check_text (check);
    }
  return MARCTL_EXIT_OK;
}

void
marctl_act_options_clear (MarctlActOptions *options)
{
  g_clear_pointer (&options->nurse, g_free);
  g_clear_pointer (&options->witness, g_free);
  g_clear_pointer (&options->at, g_free);
  g_clear_pointer (&options->overrides, g_strfreev);
}

gboolean
marctl_parse_number (const char *option,
                     const char *text,
                     double     *value)
{
  char *end = NULL;

  if (text == NULL)
    return FALSE;
  *value = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !isfinite (*value))
    {
      marctl_print_error (_("%s %s: expected a number such as 75 or 12.5"), option, text);
      return FALSE;
    }
  return TRUE;
}
