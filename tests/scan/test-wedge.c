/* test-wedge.c — keyboard-wedge scans versus typing, with synthetic timings
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "mar-wedge.h"

#define MS 1000     /* microseconds */

typedef struct
{
  guint swallowed;
  guint passed;
} Tally;

/* Types @text starting at @t, one key every @gap_us; returns the time of
 * the last key. Unicode-aware. */
static gint64
type_text (MarWedge   *wedge,
           const char *text,
           gint64      t,
           gint64      gap_us,
           Tally      *tally)
{
  gboolean first = TRUE;

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar ch = g_utf8_get_char (p);
      MarWedgeKeyAction action;

      if (!first)
        t += gap_us;
      first = FALSE;
      action = mar_wedge_key_press (wedge, ch, ch, t);
      if (tally != NULL)
        {
          if (action == MAR_WEDGE_KEY_SWALLOW)
            tally->swallowed++;
          else
            tally->passed++;
        }
    }
  return t;
}

static MarWedgeKeyAction
press (MarWedge *wedge,
       guint     keyval,
       gint64    t)
{
  return mar_wedge_key_press (wedge, keyval, 0, t);
}

static MarWedgeEvent *
expect_event (MarWedge          *wedge,
              MarWedgeEventKind  kind,
              const char        *text)
{
  MarWedgeEvent *event = mar_wedge_next_event (wedge);

  g_assert_nonnull (event);
  g_assert_cmpint (event->kind, ==, kind);
  if (text != NULL)
    {
      g_assert_nonnull (event->text);
      g_assert_cmpuint (event->length, ==, strlen (text));
      g_assert_cmpmem (event->text, event->length, text, strlen (text));
    }
  return event;
}

static void
expect_no_event (MarWedge *wedge)
{
  g_autoptr(MarWedgeEvent) event = mar_wedge_next_event (wedge);

  if (event != NULL)
    g_error ("unexpected event kind %d text “%s”", event->kind, event->text ? event->text : "(null)");
}

static MarWedge *
wedge_new_default (void)
{
  return mar_wedge_new (NULL);
}

/* Every gap ≤ 50 ms and Enter: a scan; every key kept from the widgets. */
static void
test_scan_fast_burst_with_enter (void)
{
  g_autoptr(MarWedge) wedge = wedge_new_default ();
  g_autoptr(MarWedgeEvent) event = NULL;
  Tally tally = { 0, };
  gint64 t;

  t = type_text (wedge, "MRN0012345", 1000 * MS, 8 * MS, &tally);
  g_assert_cmpint (press (wedge, MAR_WEDGE_KEY_RETURN, t + 8 * MS), ==, MAR_WEDGE_KEY_SWALLOW);
  g_assert_cmpuint (tally.passed, ==, 0);
  g_assert_cmpuint (tally.swallowed, ==, 10);

  event = expect_event (wedge, MAR_WEDGE_EVENT_SCAN, "MRN0012345");
  g_assert_cmpuint (event->n_keys, ==, 10);
  g_assert_cmpint (event->max_gap_us, ==, 8 * MS);
  g_assert_cmpint (event->start_us, ==, 1000 * MS);
  expect_no_event (wedge);
  g_assert_cmpint (mar_wedge_get_deadline (wedge), ==, -1);
}

/* The gaps are judged, not the total: 60 characters at 10 ms take 600 ms,
 * more than a 400 ms total rule would allow. */
static void
test_scan_long_gs1_judges_gaps (void)
{
  g_autoptr(MarWedge) wedge = wedge_new_default ();
  g_autoptr(MarWedgeEvent) event = NULL;
  g_autoptr(GString) code = g_string_new ("01003040901234591727123110");
  gint64 t;

  while (code->len < 60)
    g_string_append_c (code, 'A' + (code->len % 26));

  t = type_text (wedge, code->str, 0, 10 * MS, NULL);
  g_assert_cmpint (press (wedge, MAR_WEDGE_KEY_RETURN, t + 10 * MS), ==, MAR_WEDGE_KEY_SWALLOW);
  event = expect_event (wedge, MAR_WEDGE_EVENT_SCAN, code->str);
  g_assert_cmpint (event->end_us - event->start_us, ==, 600 * MS);
}

static void
test_scan_5ms_per_character (void)
{
  g_autoptr(MarWedge) wedge = wedge_new_default ();
  g_autoptr(MarWedgeEvent) event = NULL;
  const char *code = "010030409012345917271231101234567890ABCDEFGHIJ21SERIAL000042";
  gint64 t;

  g_assert_cmpuint (strlen (code), ==, 60);
  t = type_text (wedge, code, 0, 5 * MS, NULL);
  press (wedge, MAR_WEDGE_KEY_RETURN, t + 5 * MS);
  event = expect_event (wedge, MAR_WEDGE_EVENT_SCAN, code);
}

/* ≤ 50 ms is fast; the limit itself is inside. */
static void
test_scan_gap_at_limit (void)
{
  g_autoptr(MarWedge) wedge = wedge_new_default ();
  g_autoptr(MarWedgeEvent) event = NULL;
  gint64 t = type_text (wedge, "ABCDEF", 0, 50 * MS, NULL);

  g_assert_cmpint (press (wedge, MAR_WEDGE_KEY_RETURN, t + 50 * MS), ==, MAR_WEDGE_KEY_SWALLOW);
  event = expect_event (wedge, MAR_WEDGE_EVENT_SCAN, "ABCDEF");
}

/* A person: each key is held for at most 50 ms, then released as typed;
 * Enter ends a keyed entry with the line typed. */
static void
test_typing_slow_keys_are_released (void)
{
  g_autoptr(MarWedge) wedge = wedge_new_default ();
  g_autoptr(MarWedgeEvent) keyed = NULL;
  const char *text = "00338004804";
  gint64 t = 5000 * MS;

  for (const char *p = text; *p; p++)
    {
      g_autoptr(MarWedgeEvent) typed = NULL;
      char one[2] = { *p, 0 };

      g_assert_cmpint (mar_wedge_key_press (wedge, *p, *p, t), ==, MAR_WEDGE_KEY_SWALLOW);
      g_assert_cmpint (mar_wedge_get_deadline (wedge), ==, t + 50 * MS + 1);
      /* Nothing before the deadline... */
      mar_wedge_tick (wedge, t + 50 * MS);
      expect_no_event (wedge);
      /* ...and the key as typed after it. */
      mar_wedge_tick (wedge, mar_wedge_get_deadline (wedge));
      typed = expect_event (wedge, MAR_WEDGE_EVENT_TYPED, one);
      g_assert_cmpint (mar_wedge_get_deadline (wedge), ==, -1);
      t += 180 * MS;
    }
  g_assert_cmpint (press (wedge, MAR_WEDGE_KEY_RETURN, t), ==, MAR_WEDGE_KEY_PASS);
  keyed = expect_event (wedge, MAR_WEDGE_EVENT_KEYED, text);
  g_assert_cmpuint (keyed->n_keys, ==, strlen (text));
  expect_no_event (wedge);
}

/* The next key can resolve held keys before any tick: the order of the
 * text is kept. */
static void
test_typing_without_ticks_keeps_order (void)
{
  g_autoptr(MarWedge) wedge = wedge_new_default ();
  g_autoptr(GString) typed = g_string_new (NULL);
  MarWedgeEvent *event;

  type_text (wedge, "heparin", 0, 150 * MS, NULL);
  press (wedge, MAR_WEDGE_KEY_RETURN, 7 * 150 * MS);
  while ((event = mar_wedge_next_event (wedge)) != NULL && event->kind == MAR_WEDGE_EVENT_TYPED)
    {
      g_string_append (typed, event->text);
      mar_wedge_event_free (event);
    }
  g_assert_cmpstr (typed->str, ==, "heparin");
  g_assert_nonnull (event);
  g_assert_cmpint (event->kind, ==, MAR_WEDGE_EVENT_KEYED);
  g_assert_cmpstr (event->text, ==, "heparin");
  mar_wedge_event_free (event);
}

/* A burst that starts fast and goes on slowly is not a scan: a short
 * fast start is a person's and is typed. */
static void
test_typing_fast_start_then_slow (void)
{
  g_autoptr(MarWedge) wedge = wedge_new_default ();
  g_autoptr(MarWedgeEvent) first = NULL;
  g_autoptr(MarWedgeEvent) keyed = NULL;
  MarWedgeEvent *event;
  gint64 t;

  t = type_text (wedge, "abc", 0, 20 * MS, NULL);        /* a quick roll */
  t = type_text (wedge, "defg", t + 200 * MS, 200 * MS, NULL);
  g_assert_cmpint (press (wedge, MAR_WEDGE_KEY_RETURN, t + 200 * MS), ==, MAR_WEDGE_KEY_PASS);

  first = expect_event (wedge, MAR_WEDGE_EVENT_TYPED, "abc");
  while ((event = mar_wedge_next_event (wedge)) != NULL)
    {
      g_assert_cmpint (event->kind, !=, MAR_WEDGE_EVENT_SCAN);
      if (event->kind == MAR_WEDGE_EVENT_KEYED)
        {
          g_assert_cmpstr (event->text, ==, "abcdefg");
          keyed = event;
          break;
        }
      mar_wedge_event_free (event);
    }
  g_assert_nonnull (keyed);
}

/* A long fast start that turns slow is a broken scan: dropped and
 * reported, never typed into a field. */
static void
test_typing_long_fast_start_is_incomplete (void)
{
  g_autoptr(MarWedge) wedge = wedge_new_default ();
  g_autoptr(MarWedgeEvent) incomplete = NULL;
  MarWedgeEvent *event;
  gint64 t;

  t = type_text (wedge, "0100304090", 0, 5 * MS, NULL);
  t = type_text (wedge, "xyz", t + 300 * MS, 250 * MS, NULL);
  press (wedge, MAR_WEDGE_KEY_RETURN, t + 250 * MS);

  incomplete = expect_event (wedge, MAR_WEDGE_EVENT_INCOMPLETE_SCAN, "0100304090");
  while ((event = mar_wedge_next_event (wedge)) != NULL)
    {
      g_assert_cmpint (event->kind, !=, MAR_WEDGE_EVENT_SCAN);
      if (event->kind == MAR_WEDGE_EVENT_TYPED)
        g_assert_null (strstr (event->text, "0100"));
      if (event->kind == MAR_WEDGE_EVENT_KEYED)
        g_assert_cmpstr (event->text, ==, "xyz");
      mar_wedge_event_free (event);
    }
}

/* One slow gap in the middle breaks the scan, even if all else is fast. */
static void
test_scan_one_slow_gap_breaks_it (void)
{
  g_autoptr(MarWedge) wedge = wedge_new_default ();
  g_autoptr(MarWedgeEvent) first = NULL;
  g_autoptr(MarWedgeEvent) second = NULL;
  gint64 t;

  t = type_text (wedge, "MRN00", 0, 5 * MS, NULL);
  t = type_text (wedge, "12345", t + 51 * MS, 5 * MS, NULL);
  press (wedge, MAR_WEDGE_KEY_RETURN, t + 5 * MS);

  first = expect_event (wedge, MAR_WEDGE_EVENT_INCOMPLETE_SCAN, "MRN00");
  /* The second half is fast and terminated, so it reads as a scan of its
   * own; the payload parser then rejects it as no known identifier. It
   * never reaches a text field either way. */
  second = expect_event (wedge, MAR_WEDGE_EVENT_SCAN, "12345");
  expect_no_event (wedge);
}

/* Enter later than the gap: the data was fast but the scan is not
 * complete, so it is dropped; the late Enter is a person's. */
static void
test_scan_late_terminator (void)
{
  g_autoptr(MarWedge) wedge = wedge_new_default ();
  g_autoptr(MarWedgeEvent) event = NULL;
  gint64 t = type_text (wedge, "MRN0012345", 0, 5 * MS, NULL);

  g_assert_cmpint (press (wedge, MAR_WEDGE_KEY_RETURN, t + 120 * MS), ==, MAR_WEDGE_KEY_PASS);
  event = expect_event (wedge, MAR_WEDGE_EVENT_INCOMPLETE_SCAN, "MRN0012345");
  expect_no_event (wedge);
}

/* Partial scans time out: keys stop without a terminator. */
static void
test_scan_partial_times_out (void)
{
  g_autoptr(MarWedge) wedge = wedge_new_default ();
  g_autoptr(MarWedgeEvent) event = NULL;
  gint64 t = type_text (wedge, "0100304090123", 0, 6 * MS, NULL);

  g_assert_cmpint (mar_wedge_get_deadline (wedge), ==, t + 50 * MS + 1);
  mar_wedge_tick (wedge, t + 10 * MS);
  expect_no_event (wedge);
  mar_wedge_tick (wedge, t + 51 * MS);
  event = expect_event (wedge, MAR_WEDGE_EVENT_INCOMPLETE_SCAN, "0100304090123");
  g_assert_cmpint (mar_wedge_get_deadline (wedge), ==, -1);
}

/* A quick "12" + Enter by a person is too short for a scan. */
static void
test_typing_short_fast_entry_is_keyed (void)
{
  g_autoptr(MarWedge) wedge = wedge_new_default ();
  g_autoptr(MarWedgeEvent) typed = NULL;
  g_autoptr(MarWedgeEvent) keyed = NULL;
  gint64 t = type_text (wedge, "12", 0, 30 * MS, NULL);

  g_assert_cmpint (press (wedge, MAR_WEDGE_KEY_RETURN, t + 30 * MS), ==, MAR_WEDGE_KEY_PASS);
  typed = expect_event (wedge, MAR_WEDGE_EVENT_TYPED, "12");
  keyed = expect_event (wedge, MAR_WEDGE_EVENT_KEYED, "12");
}

static void
test_gs_replacement (void)
{
  MarWedgeConfig config;
  g_autoptr(MarWedge) wedge = NULL;
  g_autoptr(MarWedgeEvent) event = NULL;
  gint64 t;

  mar_wedge_config_init (&config);
  config.gs_replacement = '~';
  wedge = mar_wedge_new (&config);

  t = type_text (wedge, "]d2010030409012345910A12~17271231", 0, 4 * MS, NULL);
  press (wedge, MAR_WEDGE_KEY_RETURN, t + 4 * MS);
  event = expect_event (wedge, MAR_WEDGE_EVENT_SCAN, "]d2010030409012345910A12\x1d" "17271231");
}

static void
test_gs_replacement_pipe (void)
{
  MarWedgeConfig config;
  g_autoptr(MarWedge) wedge = NULL;
  g_autoptr(MarWedgeEvent) event = NULL;
  gint64 t;

  mar_wedge_config_init (&config);
  config.gs_replacement = '|';
  wedge = mar_wedge_new (&config);

  t = type_text (wedge, "10LOT7|21SN1|17271231", 0, 4 * MS, NULL);
  press (wedge, MAR_WEDGE_KEY_RETURN, t + 4 * MS);
  event = expect_event (wedge, MAR_WEDGE_EVENT_SCAN, "10LOT7\x1d" "21SN1\x1d" "17271231");
}

/* Without a replacement configured, '~' is data; a real GS key (Ctrl+])
 * is GS. */
static void
test_gs_control_character (void)
{
  g_autoptr(MarWedge) wedge = wedge_new_default ();
  g_autoptr(MarWedgeEvent) event = NULL;
  gint64 t = type_text (wedge, "10A~1", 0, 4 * MS, NULL);

  g_assert_cmpint (mar_wedge_key_press (wedge, ']', 0x1d, t + 4 * MS), ==, MAR_WEDGE_KEY_SWALLOW);
  t = type_text (wedge, "21S", t + 8 * MS, 4 * MS, NULL);
  press (wedge, MAR_WEDGE_KEY_RETURN, t + 4 * MS);
  event = expect_event (wedge, MAR_WEDGE_EVENT_SCAN, "10A~1\x1d" "21S");
}

static void
test_affixes_removed (void)
{
  MarWedgeConfig config;
  g_autoptr(MarWedge) wedge = NULL;
  g_autoptr(MarWedgeEvent) event = NULL;
  gint64 t;

  mar_wedge_config_init (&config);
  config.prefix = "$$";
  config.suffix = "#";
  wedge = mar_wedge_new (&config);

  t = type_text (wedge, "$$MRN0012345#", 0, 5 * MS, NULL);
  g_assert_cmpint (press (wedge, MAR_WEDGE_KEY_TAB, t + 5 * MS), ==, MAR_WEDGE_KEY_SWALLOW);
  event = expect_event (wedge, MAR_WEDGE_EVENT_SCAN, "MRN0012345");
  g_assert_cmpuint (event->n_keys, ==, 13);
}

/* A configured suffix that does not arrive: the scan was cut short. */
static void
test_affixes_missing_suffix (void)
{
  MarWedgeConfig config;
  g_autoptr(MarWedge) wedge = NULL;
  g_autoptr(MarWedgeEvent) event = NULL;
  gint64 t;

  mar_wedge_config_init (&config);
  config.suffix = "#";
  wedge = mar_wedge_new (&config);

  t = type_text (wedge, "MRN0012345", 0, 5 * MS, NULL);
  g_assert_cmpint (press (wedge, MAR_WEDGE_KEY_RETURN, t + 5 * MS), ==, MAR_WEDGE_KEY_SWALLOW);
  event = expect_event (wedge, MAR_WEDGE_EVENT_INCOMPLETE_SCAN, "MRN0012345");
  expect_no_event (wedge);
}

/* With a prefix, keys that cannot start a scan pass at once: no delay
 * for typing, and a scan is still recognised. */
static void
test_affixes_prefix_passes_other_keys (void)
{
  MarWedgeConfig config;
  g_autoptr(MarWedge) wedge = NULL;
  g_autoptr(MarWedgeEvent) scan = NULL;
  g_autoptr(MarWedgeEvent) keyed = NULL;
  Tally tally = { 0, };
  gint64 t;

  mar_wedge_config_init (&config);
  config.prefix = "\x02";
  wedge = mar_wedge_new (&config);

  t = type_text (wedge, "note", 0, 20 * MS, &tally);
  g_assert_cmpuint (tally.passed, ==, 4);
  g_assert_cmpint (mar_wedge_get_deadline (wedge), ==, -1);
  expect_no_event (wedge);

  t = type_text (wedge, "\x02" "MRN0012345", t + 500 * MS, 5 * MS, &tally);
  g_assert_cmpuint (tally.swallowed, ==, 11);
  press (wedge, MAR_WEDGE_KEY_RETURN, t + 5 * MS);
  scan = expect_event (wedge, MAR_WEDGE_EVENT_SCAN, "MRN0012345");
  expect_no_event (wedge);

  press (wedge, MAR_WEDGE_KEY_RETURN, t + 900 * MS);
  keyed = expect_event (wedge, MAR_WEDGE_EVENT_KEYED, "note");
}

/* A burst without the configured prefix is not a scan even when fast. */
static void
test_affixes_prefix_required (void)
{
  MarWedgeConfig config;
  g_autoptr(MarWedge) wedge = NULL;
  Tally tally = { 0, };
  MarWedgeEvent *event;
  gint64 t;

  mar_wedge_config_init (&config);
  config.prefix = "]";
  wedge = mar_wedge_new (&config);

  t = type_text (wedge, "MRN0012345", 0, 5 * MS, &tally);
  g_assert_cmpuint (tally.passed, ==, 10);
  press (wedge, MAR_WEDGE_KEY_RETURN, t + 5 * MS);
  while ((event = mar_wedge_next_event (wedge)) != NULL)
    {
      g_assert_cmpint (event->kind, ==, MAR_WEDGE_EVENT_KEYED);
      mar_wedge_event_free (event);
    }
}

static void
test_terminators_tab_not_configured (void)
{
  MarWedgeConfig config;
  g_autoptr(MarWedge) wedge = NULL;
  g_autoptr(MarWedgeEvent) event = NULL;
  gint64 t;

  mar_wedge_config_init (&config);
  config.terminators = MAR_WEDGE_TERMINATOR_ENTER;
  wedge = mar_wedge_new (&config);

  t = type_text (wedge, "MRN0012345", 0, 5 * MS, NULL);
  /* Tab is not this site's terminator: the fast burst is incomplete and
   * Tab moves the focus as usual. */
  g_assert_cmpint (press (wedge, MAR_WEDGE_KEY_TAB, t + 5 * MS), ==, MAR_WEDGE_KEY_PASS);
  event = expect_event (wedge, MAR_WEDGE_EVENT_INCOMPLETE_SCAN, "MRN0012345");
}

static void
test_terminators_keypad_enter (void)
{
  g_autoptr(MarWedge) wedge = wedge_new_default ();
  g_autoptr(MarWedgeEvent) event = NULL;
  gint64 t = type_text (wedge, "MRN0012345", 0, 5 * MS, NULL);

  g_assert_cmpint (press (wedge, MAR_WEDGE_KEY_KP_ENTER, t + 5 * MS), ==, MAR_WEDGE_KEY_SWALLOW);
  event = expect_event (wedge, MAR_WEDGE_EVENT_SCAN, "MRN0012345");
}

/* Without a terminator configured as required, silence ends a scan. */
static void
test_terminators_not_required (void)
{
  MarWedgeConfig config;
  g_autoptr(MarWedge) wedge = NULL;
  g_autoptr(MarWedgeEvent) event = NULL;
  gint64 t;

  mar_wedge_config_init (&config);
  config.require_terminator = FALSE;
  wedge = mar_wedge_new (&config);

  t = type_text (wedge, "MRN0012345", 0, 5 * MS, NULL);
  mar_wedge_tick (wedge, t + 60 * MS);
  event = expect_event (wedge, MAR_WEDGE_EVENT_SCAN, "MRN0012345");
}

/* Scanners press Shift for capitals: modifiers neither count nor break. */
static void
test_modifiers_ignored (void)
{
  g_autoptr(MarWedge) wedge = wedge_new_default ();
  g_autoptr(MarWedgeEvent) event = NULL;
  const char *code = "MRN0012345";
  gint64 t = 0;

  for (const char *p = code; *p; p++)
    {
      g_assert_cmpint (press (wedge, 0xffe1 /* Shift_L */, t), ==, MAR_WEDGE_KEY_PASS);
      mar_wedge_key_press (wedge, *p, *p, t + 2 * MS);
      t += 5 * MS;
    }
  press (wedge, MAR_WEDGE_KEY_RETURN, t);
  event = expect_event (wedge, MAR_WEDGE_EVENT_SCAN, code);
}

static void
test_keyed_backspace_edits_line (void)
{
  g_autoptr(MarWedge) wedge = wedge_new_default ();
  g_autoptr(MarWedgeEvent) keyed = NULL;
  MarWedgeEvent *event;
  gint64 t = type_text (wedge, "12345", 0, 200 * MS, NULL);

  g_assert_cmpint (press (wedge, MAR_WEDGE_KEY_BACKSPACE, t + 200 * MS), ==, MAR_WEDGE_KEY_PASS);
  t = type_text (wedge, "6", t + 400 * MS, 0, NULL);
  press (wedge, MAR_WEDGE_KEY_RETURN, t + 200 * MS);
  while ((event = mar_wedge_next_event (wedge)) != NULL && event->kind == MAR_WEDGE_EVENT_TYPED)
    mar_wedge_event_free (event);
  keyed = event;
  g_assert_nonnull (keyed);
  g_assert_cmpint (keyed->kind, ==, MAR_WEDGE_EVENT_KEYED);
  g_assert_cmpstr (keyed->text, ==, "12346");
}

/* Arrows, Delete, Home: the wedge cannot follow the edit, so the keyed
 * entry comes without text and the GUI reads its entry. */
static void
test_keyed_navigation_makes_text_unknown (void)
{
  g_autoptr(MarWedge) wedge = wedge_new_default ();
  MarWedgeEvent *event;
  gint64 t = type_text (wedge, "1234", 0, 200 * MS, NULL);

  g_assert_cmpint (press (wedge, 0xff51 /* Left */, t + 200 * MS), ==, MAR_WEDGE_KEY_PASS);
  type_text (wedge, "9", t + 400 * MS, 0, NULL);
  press (wedge, MAR_WEDGE_KEY_RETURN, t + 600 * MS);
  while ((event = mar_wedge_next_event (wedge)) != NULL && event->kind == MAR_WEDGE_EVENT_TYPED)
    mar_wedge_event_free (event);
  g_assert_nonnull (event);
  g_assert_cmpint (event->kind, ==, MAR_WEDGE_EVENT_KEYED);
  g_assert_null (event->text);
  mar_wedge_event_free (event);
}

/* Enter on its own, with nothing typed, is not a keyed entry. */
static void
test_keyed_bare_enter_is_nothing (void)
{
  g_autoptr(MarWedge) wedge = wedge_new_default ();

  g_assert_cmpint (press (wedge, MAR_WEDGE_KEY_RETURN, 0), ==, MAR_WEDGE_KEY_PASS);
  expect_no_event (wedge);
}

/* A scan right after typing does not take the typed line with it. */
static void
test_scan_after_typing (void)
{
  g_autoptr(MarWedge) wedge = wedge_new_default ();
  g_autoptr(MarWedgeEvent) typed = NULL;
  g_autoptr(MarWedgeEvent) scan = NULL;
  g_autoptr(MarWedgeEvent) keyed = NULL;
  gint64 t = type_text (wedge, "x", 0, 0, NULL);

  t = type_text (wedge, "MRN0012345", t + 300 * MS, 5 * MS, NULL);
  press (wedge, MAR_WEDGE_KEY_RETURN, t + 5 * MS);
  typed = expect_event (wedge, MAR_WEDGE_EVENT_TYPED, "x");
  scan = expect_event (wedge, MAR_WEDGE_EVENT_SCAN, "MRN0012345");
  press (wedge, MAR_WEDGE_KEY_RETURN, t + 800 * MS);
  keyed = expect_event (wedge, MAR_WEDGE_EVENT_KEYED, "x");
}

static void
test_flush_and_reset (void)
{
  g_autoptr(MarWedge) wedge = wedge_new_default ();
  g_autoptr(MarWedgeEvent) typed = NULL;
  g_autoptr(MarWedgeEvent) incomplete = NULL;
  gint64 t;

  type_text (wedge, "a", 0, 0, NULL);
  mar_wedge_flush (wedge);
  typed = expect_event (wedge, MAR_WEDGE_EVENT_TYPED, "a");

  t = type_text (wedge, "ABCDEFG", 1000 * MS, 3 * MS, NULL);
  mar_wedge_reset (wedge);
  incomplete = expect_event (wedge, MAR_WEDGE_EVENT_INCOMPLETE_SCAN, "ABCDEFG");
  /* The line was forgotten: Enter now is no keyed entry. */
  press (wedge, MAR_WEDGE_KEY_RETURN, t + 500 * MS);
  expect_no_event (wedge);
}

/* The safety property: over many scans of varied length and speed (all
 * gaps within the limit), no key of a scan is ever passed to a widget
 * and every scan arrives whole. */
static void
test_scan_never_reaches_widgets (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260301);
  gint64 t = 0;

  for (int i = 0; i < 500; i++)
    {
      g_autoptr(MarWedge) wedge = wedge_new_default ();
      g_autoptr(MarWedgeEvent) event = NULL;
      g_autoptr(GString) code = g_string_new (NULL);
      int length = g_rand_int_range (rand, 4, 90);
      Tally tally = { 0, };

      for (int k = 0; k < length; k++)
        g_string_append_c (code, (char) g_rand_int_range (rand, 0x21, 0x7f));
      for (int k = 0; k < length; k++)
        {
          t += g_rand_int_range (rand, 0, 50 * MS + 1);
          if (mar_wedge_key_press (wedge, (guchar) code->str[k], (guchar) code->str[k], t) == MAR_WEDGE_KEY_SWALLOW)
            tally.swallowed++;
          else
            tally.passed++;
        }
      t += g_rand_int_range (rand, 0, 50 * MS + 1);
      g_assert_cmpint (press (wedge, MAR_WEDGE_KEY_RETURN, t), ==, MAR_WEDGE_KEY_SWALLOW);
      g_assert_cmpuint (tally.passed, ==, 0);
      event = expect_event (wedge, MAR_WEDGE_EVENT_SCAN, code->str);
      expect_no_event (wedge);
      t += 1000 * MS;
    }
}

/* Configurable gap: a slower Bluetooth scanner at 80 ms per key. */
static void
test_config_max_gap (void)
{
  MarWedgeConfig config;
  g_autoptr(MarWedge) slow = NULL;
  g_autoptr(MarWedge) strict = NULL;
  g_autoptr(MarWedgeEvent) event = NULL;
  g_autoptr(MarWedgeEvent) other = NULL;
  gint64 t;

  mar_wedge_config_init (&config);
  config.max_gap_ms = 100;
  slow = mar_wedge_new (&config);
  t = type_text (slow, "MRN0012345", 0, 80 * MS, NULL);
  press (slow, MAR_WEDGE_KEY_RETURN, t + 80 * MS);
  event = expect_event (slow, MAR_WEDGE_EVENT_SCAN, "MRN0012345");

  strict = wedge_new_default ();
  t = type_text (strict, "MRN0012345", 0, 80 * MS, NULL);
  press (strict, MAR_WEDGE_KEY_RETURN, t + 80 * MS);
  while ((other = mar_wedge_next_event (strict)) != NULL)
    {
      g_assert_cmpint (other->kind, !=, MAR_WEDGE_EVENT_SCAN);
      g_clear_pointer (&other, mar_wedge_event_free);
    }
}

static void
test_config_min_length (void)
{
  MarWedgeConfig config;
  g_autoptr(MarWedge) wedge = NULL;
  g_autoptr(MarWedgeEvent) typed = NULL;
  g_autoptr(MarWedgeEvent) keyed = NULL;
  gint64 t;

  mar_wedge_config_init (&config);
  config.min_length = 8;
  wedge = mar_wedge_new (&config);
  t = type_text (wedge, "ABCDE", 0, 5 * MS, NULL);
  press (wedge, MAR_WEDGE_KEY_RETURN, t + 5 * MS);
  typed = expect_event (wedge, MAR_WEDGE_EVENT_TYPED, "ABCDE");
  keyed = expect_event (wedge, MAR_WEDGE_EVENT_KEYED, "ABCDE");
}

/* Non-ASCII characters (a name typed on a Spanish keyboard) survive. */
static void
test_typing_unicode (void)
{
  g_autoptr(MarWedge) wedge = wedge_new_default ();
  g_autoptr(GString) typed = g_string_new (NULL);
  MarWedgeEvent *event;
  gint64 t = type_text (wedge, "Núñez", 0, 150 * MS, NULL);

  press (wedge, MAR_WEDGE_KEY_RETURN, t + 150 * MS);
  while ((event = mar_wedge_next_event (wedge)) != NULL && event->kind == MAR_WEDGE_EVENT_TYPED)
    {
      g_string_append (typed, event->text);
      mar_wedge_event_free (event);
    }
  g_assert_cmpstr (typed->str, ==, "Núñez");
  g_assert_nonnull (event);
  g_assert_cmpstr (event->text, ==, "Núñez");
  mar_wedge_event_free (event);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/scan/wedge/scan/fast-burst-with-enter", test_scan_fast_burst_with_enter);
  g_test_add_func ("/scan/wedge/scan/long-gs1-judges-gaps-not-total", test_scan_long_gs1_judges_gaps);
  g_test_add_func ("/scan/wedge/scan/5ms-per-character", test_scan_5ms_per_character);
  g_test_add_func ("/scan/wedge/scan/gap-at-limit", test_scan_gap_at_limit);
  g_test_add_func ("/scan/wedge/scan/one-slow-gap-breaks-it", test_scan_one_slow_gap_breaks_it);
  g_test_add_func ("/scan/wedge/scan/late-terminator", test_scan_late_terminator);
  g_test_add_func ("/scan/wedge/scan/partial-times-out", test_scan_partial_times_out);
  g_test_add_func ("/scan/wedge/scan/after-typing", test_scan_after_typing);
  g_test_add_func ("/scan/wedge/scan/never-reaches-widgets", test_scan_never_reaches_widgets);
  g_test_add_func ("/scan/wedge/typing/slow-keys-are-released", test_typing_slow_keys_are_released);
  g_test_add_func ("/scan/wedge/typing/order-kept-without-ticks", test_typing_without_ticks_keeps_order);
  g_test_add_func ("/scan/wedge/typing/fast-start-then-slow", test_typing_fast_start_then_slow);
  g_test_add_func ("/scan/wedge/typing/long-fast-start-is-incomplete", test_typing_long_fast_start_is_incomplete);
  g_test_add_func ("/scan/wedge/typing/short-fast-entry-is-keyed", test_typing_short_fast_entry_is_keyed);
  g_test_add_func ("/scan/wedge/typing/unicode", test_typing_unicode);
  g_test_add_func ("/scan/wedge/gs/replacement-tilde", test_gs_replacement);
  g_test_add_func ("/scan/wedge/gs/replacement-pipe", test_gs_replacement_pipe);
  g_test_add_func ("/scan/wedge/gs/control-character", test_gs_control_character);
  g_test_add_func ("/scan/wedge/affixes/removed", test_affixes_removed);
  g_test_add_func ("/scan/wedge/affixes/missing-suffix", test_affixes_missing_suffix);
  g_test_add_func ("/scan/wedge/affixes/prefix-passes-other-keys", test_affixes_prefix_passes_other_keys);
  g_test_add_func ("/scan/wedge/affixes/prefix-required", test_affixes_prefix_required);
  g_test_add_func ("/scan/wedge/terminators/tab-not-configured", test_terminators_tab_not_configured);
  g_test_add_func ("/scan/wedge/terminators/keypad-enter", test_terminators_keypad_enter);
  g_test_add_func ("/scan/wedge/terminators/not-required", test_terminators_not_required);
  g_test_add_func ("/scan/wedge/modifiers-ignored", test_modifiers_ignored);
  g_test_add_func ("/scan/wedge/keyed/backspace-edits-line", test_keyed_backspace_edits_line);
  g_test_add_func ("/scan/wedge/keyed/navigation-makes-text-unknown", test_keyed_navigation_makes_text_unknown);
  g_test_add_func ("/scan/wedge/keyed/bare-enter-is-nothing", test_keyed_bare_enter_is_nothing);
  g_test_add_func ("/scan/wedge/flush-and-reset", test_flush_and_reset);
  g_test_add_func ("/scan/wedge/config/max-gap", test_config_max_gap);
  g_test_add_func ("/scan/wedge/config/min-length", test_config_min_length);

  return g_test_run ();
}
