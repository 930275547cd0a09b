/* mar-wedge.h — tell a keyboard-wedge scan from a person typing
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Most bedside scanners are keyboards: they type the code and press Enter.
 * MarWedge watches (key, time) pairs and decides which keys are a scanner's
 * and which a person's. It is pure: no GUI, no clock, no timers; the caller
 * passes event timestamps and asks when to call back.
 *
 * How a scan is recognised
 * - Every gap between keys of the burst, and before its terminator, is at
 *   most max_gap_ms (50 ms by default). The gaps are judged, not the total:
 *   a 60-character GS1 string from a scanner typing every 10 ms takes
 *   600 ms, more than the 400 ms in total that VistA's rule allows, and is
 *   a scan.
 * - It ends with a terminator (Enter and/or Tab, configurable) — or, if
 *   require_terminator is FALSE, with silence after at least min_length
 *   characters.
 * - It has at least min_length characters, not counting prefix and suffix.
 * - If a prefix or suffix is configured, the burst starts or ends with it;
 *   they are removed from the data.
 * - The configured GS replacement character (scanners that cannot type
 *   0x1D often send '~' or '|'; neither is in GS1's character set 82,
 *   GS1 General Specifications 7.11) is turned back into GS. A key event
 *   whose character is 0x1D itself (Ctrl+] on many scanners) is GS too.
 * A burst that starts fast but continues slowly is not a scan. A fast burst
 * of at least min_length characters that does not finish as a scan (stops
 * without a terminator, misses its suffix, is cut by a slow key) is an
 * incomplete scan: it is dropped and reported, never typed.
 *
 * The contract with the GUI ("never let a scan land in a text field")
 * 1. Feed every key press of the window to mar_wedge_key_press() *before*
 *    any widget sees it (a GtkEventControllerKey in the capture phase on
 *    the window). Keys with Control, Alt or Super held are shortcuts: do not
 *    feed them, except Ctrl+] which is GS (pass ch = 0x1D). Use the event's
 *    own timestamp (gdk_event_get_time() × 1000), not the time the handler
 *    runs: a busy main loop delivers queued keys together and would make a
 *    person's typing look like a scanner.
 * 2. MAR_WEDGE_KEY_SWALLOW: stop the event (GDK_EVENT_STOP). The wedge holds
 *    the key until it knows whose it is. MAR_WEDGE_KEY_PASS: let it through.
 * 3. After every call (key press, tick, flush), take all events with
 *    mar_wedge_next_event() and handle them *before* returning from the key
 *    handler, so that released text lands before the key that follows it:
 *    - TYPED: the held keys were a person's: insert the text where the focus
 *      is, as if typed (into an editable; dropped elsewhere).
 *    - SCAN: a scan: hand the text to mar_scan_parse() (source SCANNER).
 *    - KEYED: Enter after typing: a keyed entry, recorded as keyed in the
 *      variance log (RULES.md, The record). The text is the typed line, or
 *      NULL when the person edited with keys the wedge cannot follow
 *      (arrows, Delete, the mouse): then use the entry's own text.
 *    - INCOMPLETE_SCAN: tell the nurse to scan again.
 * 4. While mar_wedge_get_deadline() is not -1, run a timeout for that time
 *    and call mar_wedge_tick() with the current event-clock time; call
 *    mar_wedge_flush() when the window loses focus and mar_wedge_reset()
 *    when the focused field changes.
 * Without a prefix the first key of every burst is held for up to
 * max_gap_ms (a person sees their keys 50 ms late, which nobody notices).
 * With a prefix configured on the scanners, keys that cannot start a scan
 * pass at once and only prefixed bursts are held.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Key values are X11 keysyms, which is what GDK's keyvals are. */
#define MAR_WEDGE_KEY_RETURN        0xff0d
#define MAR_WEDGE_KEY_KP_ENTER      0xff8d
#define MAR_WEDGE_KEY_ISO_ENTER     0xfe34
#define MAR_WEDGE_KEY_TAB           0xff09
#define MAR_WEDGE_KEY_KP_TAB        0xff89
#define MAR_WEDGE_KEY_ISO_LEFT_TAB  0xfe20
#define MAR_WEDGE_KEY_BACKSPACE     0xff08

typedef enum
{
  MAR_WEDGE_TERMINATOR_ENTER = 1 << 0,
  MAR_WEDGE_TERMINATOR_TAB   = 1 << 1,
} MarWedgeTerminators;

typedef struct
{
  guint                max_gap_ms;          /* largest gap inside a scan; default 50 */
  guint                min_length;          /* shortest scan, affixes excluded; default 4 */
  MarWedgeTerminators  terminators;         /* default ENTER | TAB */
  gboolean             require_terminator;  /* default TRUE */
  const char          *prefix;              /* UTF-8; NULL or "" for none */
  const char          *suffix;              /* UTF-8; NULL or "" for none */
  gunichar             gs_replacement;      /* 0 for none */
} MarWedgeConfig;

typedef enum
{
  MAR_WEDGE_KEY_PASS,       /* deliver the key to the focused widget */
  MAR_WEDGE_KEY_SWALLOW,    /* the wedge has it; deliver nothing */
} MarWedgeKeyAction;

typedef enum
{
  MAR_WEDGE_EVENT_TYPED,
  MAR_WEDGE_EVENT_SCAN,
  MAR_WEDGE_EVENT_KEYED,
  MAR_WEDGE_EVENT_INCOMPLETE_SCAN,
} MarWedgeEventKind;

typedef struct
{
  MarWedgeEventKind  kind;
  /* SCAN: the data (GS as 0x1D, affixes removed); TYPED: the characters to
   * insert; KEYED: the typed line or NULL; INCOMPLETE_SCAN: what arrived.
   * NUL-terminated; length in bytes. */
  char              *text;
  gsize              length;
  guint              n_keys;        /* keys in the burst or line */
  gint64             start_us;      /* first key */
  gint64             end_us;        /* last key (the terminator for SCAN/KEYED) */
  gint64             max_gap_us;    /* largest gap between the keys */
} MarWedgeEvent;

typedef struct _MarWedge MarWedge;

/* Fills in the defaults. */
void               mar_wedge_config_init   (MarWedgeConfig       *config);

/* The configuration is copied. */
MarWedge          *mar_wedge_new           (const MarWedgeConfig *config);
void               mar_wedge_free          (MarWedge             *self);

/* @keyval: the key (GDK keyval); @ch: its character, 0 for none.
 * @time_us: the event's timestamp in microseconds. */
MarWedgeKeyAction  mar_wedge_key_press     (MarWedge             *self,
                                            guint                 keyval,
                                            gunichar              ch,
                                            gint64                time_us);
/* When the caller should call mar_wedge_tick(), or -1 if nothing is held. */
gint64             mar_wedge_get_deadline  (const MarWedge       *self);
/* Resolves held keys whose time is up. */
void               mar_wedge_tick          (MarWedge             *self,
                                            gint64                now_us);
/* Resolves held keys now, as if their time were up. */
void               mar_wedge_flush         (MarWedge             *self);
/* mar_wedge_flush(), and forgets the typed line. */
void               mar_wedge_reset         (MarWedge             *self);
/* (transfer full) The next event, or NULL. */
MarWedgeEvent     *mar_wedge_next_event    (MarWedge             *self);

void               mar_wedge_event_free    (MarWedgeEvent        *event);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarWedge, mar_wedge_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarWedgeEvent, mar_wedge_event_free)

G_END_DECLS
