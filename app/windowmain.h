#pragma once

#include "app/commandline.h"

// The window's half of poolscope: a module (libpoolscope-window.so, beside the executable)
// loaded only when a window opens, so that a headless run loads Qt Core alone and not the
// widgets, fonts and X libraries (about 9 ms of every headless process's start on this
// machine). These are its two entry points, resolved by name.
extern "C" {
// Opens the main window for the command line's run (its file, feed, sweep…) and returns the
// application's exit code. argc must outlive the call (QApplication keeps it).
using PoolscopeWindowMain = int (*)(int *argc, char **argv, const app::CommandLine *cli);
// Shows a refusal of the command line in a dialog (a desktop launcher has no terminal).
using PoolscopeRefusalDialog = void (*)(int *argc, char **argv, const QString *error);
}

inline constexpr const char *kPoolscopeWindowModule = "libpoolscope-window.so";
inline constexpr const char *kPoolscopeWindowMain = "poolscopeWindowMain";
inline constexpr const char *kPoolscopeRefusalDialog = "poolscopeRefusalDialog";
