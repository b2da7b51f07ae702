/**
 * koffi bindings to the system GLFW 3 library, and the Window the app layer drives (spec §7.1).
 *
 * What it is: library loading (libglfw.so.3 / libglfw.3.dylib / glfw3.dll, override with
 * GPTVIZ_GLFW_LIB), the error callback (installed before glfwInit), window + OpenGL 4.1 core
 * context creation (forward-compatible, 4× MSAA, visible or hidden, vsync), and input callbacks
 * (key, mouse button, cursor position, scroll, framebuffer size, close) registered once per
 * process, dispatched to typed per-window handlers, and unregistered when the last window closes.
 * Callback bodies catch everything: an exception never unwinds into C; it is re-thrown from
 * `pollEvents()` instead.
 *
 * What it is not: no GL calls (core/gl.ts), no rendering, no input mapping (app/).
 * Together with gl.ts the only importer of koffi (STYLE.md §3). Pointers are BigInt here.
 */
import koffi from 'koffi';
import { UserError } from '../errors.js';

// ---- GLFW constants (glfw3.h) ----
const GLFW_FOCUSED = 0x00020001;
const GLFW_RESIZABLE = 0x00020003;
const GLFW_VISIBLE = 0x00020004;
const GLFW_SAMPLES = 0x0002100d;
const GLFW_DEPTH_BITS = 0x00021005;
const GLFW_STENCIL_BITS = 0x00021006;
const GLFW_CONTEXT_VERSION_MAJOR = 0x00022002;
const GLFW_CONTEXT_VERSION_MINOR = 0x00022003;
const GLFW_OPENGL_FORWARD_COMPAT = 0x00022006;
const GLFW_OPENGL_PROFILE = 0x00022008;
const GLFW_OPENGL_CORE_PROFILE = 0x00032001;
const GLFW_SCALE_TO_MONITOR = 0x0002200c;
const GLFW_COCOA_RETINA_FRAMEBUFFER = 0x00023001;

/** Key/button action values passed to handlers. */
export const PRESS = 1;
export const RELEASE = 0;
export const REPEAT = 2;

/** Typed input handlers; each is optional. Called synchronously from `pollEvents()`. */
export interface WindowHandlers {
  onKey?(key: number, scancode: number, action: number, mods: number): void;
  /** A typed character (Unicode code point, after keyboard layout and modifiers): text input. */
  onChar?(codepoint: number): void;
  onMouseButton?(button: number, action: number, mods: number): void;
  /** Cursor position in window coordinates (screen pixels, y down). */
  onCursorPos?(x: number, y: number): void;
  onScroll?(dx: number, dy: number): void;
  /** New framebuffer size in pixels (0×0 when minimised). */
  onFramebufferSize?(width: number, height: number): void;
  onClose?(): void;
  /** The window's contents were lost (exposed after being covered): whatever is shown must be drawn again in full. */
  onRefresh?(): void;
}

export interface WindowOptions {
  width: number;
  height: number;
  title: string;
  visible: boolean;
  /** Swap interval 1 when true. */
  vsync: boolean;
  /** MSAA samples on the default framebuffer (default 4). */
  samples?: number;
  /** False: no depth or stencil buffer on the default framebuffer (a window only ever blitted into). */
  depth?: boolean;
}

type Fn = (...args: any[]) => any;

interface GlfwLib {
  path: string;
  /** The loaded library (for the optional X11 functions, bound when first asked for). */
  handle: ReturnType<typeof koffi.load>;
  f: Record<string, Fn>;
  /** Registered callback pointers (process-wide), set up on first init. */
  callbacks: unknown[];
  errorCallback: unknown;
}

let lib: GlfwLib | null = null;
let lastError = '';
let initialised = false;
const windows = new Map<bigint, Window>();
let pendingError: unknown = undefined;

function candidates(): string[] {
  const override = process.env.GPTVIZ_GLFW_LIB;
  if (override !== undefined && override !== '') return [override];
  switch (process.platform) {
    case 'darwin':
      return ['libglfw.3.dylib', '/opt/homebrew/lib/libglfw.3.dylib', '/usr/local/lib/libglfw.3.dylib', 'libglfw.dylib'];
    case 'win32':
      return ['glfw3.dll'];
    default:
      return ['libglfw.so.3', 'libglfw.so'];
  }
}

function installHint(): string {
  switch (process.platform) {
    case 'darwin':
      return 'install it with: brew install glfw (or set GPTVIZ_GLFW_LIB to the library path)';
    case 'win32':
      return 'put glfw3.dll (from https://www.glfw.org/download) on PATH, or set GPTVIZ_GLFW_LIB to its path';
    default:
      return 'install it with: sudo apt-get install libglfw3 (Fedora: sudo dnf install glfw), or set GPTVIZ_GLFW_LIB';
  }
}

const SIGNATURES = [
  'int glfwInit()',
  'void glfwTerminate()',
  'void glfwDefaultWindowHints()',
  'void glfwWindowHint(int hint, int value)',
  'void *glfwCreateWindow(int width, int height, const char *title, void *monitor, void *share)',
  'void glfwDestroyWindow(void *window)',
  'void glfwMakeContextCurrent(void *window)',
  'void *glfwGetProcAddress(const char *name)',
  'void glfwSwapInterval(int interval)',
  'void glfwSwapBuffers(void *window)',
  'void glfwPollEvents()',
  'int glfwWindowShouldClose(void *window)',
  'void glfwSetWindowShouldClose(void *window, int value)',
  'void glfwSetWindowTitle(void *window, const char *title)',
  'void glfwSetWindowSize(void *window, int width, int height)',
  'void glfwIconifyWindow(void *window)',
  'void glfwRestoreWindow(void *window)',
  'void glfwShowWindow(void *window)',
  'void glfwFocusWindow(void *window)',
  'void glfwGetFramebufferSize(void *window, _Out_ int *width, _Out_ int *height)',
  'void glfwGetWindowSize(void *window, _Out_ int *width, _Out_ int *height)',
  'void glfwGetWindowContentScale(void *window, _Out_ float *xscale, _Out_ float *yscale)',
  'double glfwGetTime()',
];

const ErrorFun = koffi.proto('void GLFWerrorfun(int code, const char *description)');
const KeyFun = koffi.proto('void GLFWkeyfun(void *window, int key, int scancode, int action, int mods)');
const MouseButtonFun = koffi.proto('void GLFWmousebuttonfun(void *window, int button, int action, int mods)');
const CursorPosFun = koffi.proto('void GLFWcursorposfun(void *window, double x, double y)');
const ScrollFun = koffi.proto('void GLFWscrollfun(void *window, double dx, double dy)');
const FramebufferSizeFun = koffi.proto('void GLFWframebuffersizefun(void *window, int width, int height)');
const CloseFun = koffi.proto('void GLFWwindowclosefun(void *window)');
const CharFun = koffi.proto('void GLFWcharfun(void *window, unsigned int codepoint)');
const RefreshFun = koffi.proto('void GLFWwindowrefreshfun(void *window)');

function loadLibrary(): GlfwLib {
  if (lib !== null) return lib;
  const names = candidates();
  let handle: ReturnType<typeof koffi.load> | null = null;
  let loaded = '';
  for (const name of names) {
    try {
      handle = koffi.load(name);
      loaded = name;
      break;
    } catch {
      // try the next name
    }
  }
  if (handle === null) {
    throw new UserError(`the GLFW 3 library was not found (tried ${names.join(', ')})`, { hint: installHint() });
  }
  const f: Record<string, Fn> = {};
  const lib3 = handle;
  // A library without one of these is not GLFW ≥ 3.3 (glfwGetWindowContentScale is new in 3.3),
  // or not GLFW at all: say which version is needed instead of koffi's "Cannot find function".
  const bind = (sig: string): void => {
    const name = /\b(glfw\w+)\(/.exec(sig)![1]!;
    try {
      f[name] = lib3.func(sig) as Fn;
    } catch {
      throw new UserError(`${loaded} is not GLFW 3.3 or newer (it has no ${name})`, {
        hint: `gptviz needs GLFW ≥ 3.3: ${installHint()}`,
      });
    }
  };
  for (const sig of SIGNATURES) bind(sig);
  bind('void *glfwSetErrorCallback(GLFWerrorfun *cb)');
  bind('void *glfwSetKeyCallback(void *w, GLFWkeyfun *cb)');
  bind('void *glfwSetMouseButtonCallback(void *w, GLFWmousebuttonfun *cb)');
  bind('void *glfwSetCursorPosCallback(void *w, GLFWcursorposfun *cb)');
  bind('void *glfwSetScrollCallback(void *w, GLFWscrollfun *cb)');
  bind('void *glfwSetFramebufferSizeCallback(void *w, GLFWframebuffersizefun *cb)');
  bind('void *glfwSetWindowCloseCallback(void *w, GLFWwindowclosefun *cb)');
  bind('void *glfwSetCharCallback(void *w, GLFWcharfun *cb)');
  bind('void *glfwSetWindowRefreshCallback(void *w, GLFWwindowrefreshfun *cb)');
  lib = { path: names.join(', '), handle: lib3, f, callbacks: [], errorCallback: null };
  return lib;
}

/** Run a callback body so nothing escapes into C; the first failure is re-thrown by pollEvents. */
function guarded(handle: unknown, body: (w: Window) => void): void {
  try {
    const w = windows.get(handle as bigint);
    if (w !== undefined) body(w);
  } catch (e) {
    if (pendingError === undefined) pendingError = e;
  }
}

function registerCallbacks(l: GlfwLib): void {
  if (l.callbacks.length > 0) return;
  l.callbacks.push(
    koffi.register((h: unknown, key: number, sc: number, action: number, mods: number) => {
      guarded(h, (w) => w.handlers.onKey?.(key, sc, action, mods));
    }, koffi.pointer(KeyFun)),
    koffi.register((h: unknown, button: number, action: number, mods: number) => {
      guarded(h, (w) => w.handlers.onMouseButton?.(button, action, mods));
    }, koffi.pointer(MouseButtonFun)),
    koffi.register((h: unknown, x: number, y: number) => {
      guarded(h, (w) => w.handlers.onCursorPos?.(x, y));
    }, koffi.pointer(CursorPosFun)),
    koffi.register((h: unknown, dx: number, dy: number) => {
      guarded(h, (w) => w.handlers.onScroll?.(dx, dy));
    }, koffi.pointer(ScrollFun)),
    koffi.register((h: unknown, width: number, height: number) => {
      guarded(h, (w) => w.handlers.onFramebufferSize?.(width, height));
    }, koffi.pointer(FramebufferSizeFun)),
    koffi.register((h: unknown) => {
      guarded(h, (w) => w.handlers.onClose?.());
    }, koffi.pointer(CloseFun)),
    koffi.register((h: unknown, codepoint: number) => {
      guarded(h, (w) => w.handlers.onChar?.(codepoint));
    }, koffi.pointer(CharFun)),
    koffi.register((h: unknown) => {
      guarded(h, (w) => w.handlers.onRefresh?.());
    }, koffi.pointer(RefreshFun)),
  );
}

function unregisterAll(l: GlfwLib): void {
  for (const cb of l.callbacks) koffi.unregister(cb as never);
  l.callbacks.length = 0;
  if (l.errorCallback !== null) {
    l.f.glfwSetErrorCallback!(null);
    koffi.unregister(l.errorCallback as never);
    l.errorCallback = null;
  }
}

function noDisplayHint(message: string): string | undefined {
  if (/DISPLAY|display|Wayland|wayland/.test(message)) {
    return 'no display: run it under a virtual display, e.g. xvfb-run -a gptviz … (headless frames: xvfb-run -a gptviz --snapshot 10 --out frame.png, or --record)';
  }
  return undefined;
}

/** Install the error callback (once, before glfwInit: its failures are reported through it). */
function installErrorCallback(l: GlfwLib): void {
  if (l.errorCallback !== null) return;
  l.errorCallback = koffi.register((_code: number, description: string | null) => {
    lastError = description ?? 'unknown GLFW error';
  }, koffi.pointer(ErrorFun));
  l.f.glfwSetErrorCallback!(l.errorCallback);
}

/** After glfwInit returned `result`: initialised, or the UserError (callbacks unregistered). */
function initialisedOrThrow(l: GlfwLib, result: number): GlfwLib {
  if (result !== 1) {
    const msg = lastError !== '' ? lastError : 'glfwInit failed';
    unregisterAll(l);
    throw new UserError(`cannot open a window: ${msg}`, { hint: noDisplayHint(msg) ?? 'check your graphics drivers' });
  }
  initialised = true;
  registerCallbacks(l);
  return l;
}

function init(): GlfwLib {
  const l = loadLibrary();
  if (initialised) return l;
  installErrorCallback(l);
  lastError = '';
  const restore = plainCtype();
  try {
    return initialisedOrThrow(l, l.f.glfwInit!() as number);
  } finally {
    restore();
  }
}

/**
 * On X11, glfwInit sets the process's character type (LC_CTYPE) from the environment, and Xlib's
 * input method then reads that locale's compose table: for a UTF-8 locale the 5,700-line
 * en_US.UTF-8 table, ≈ 30 ms of the window's opening (issue 15, measured: 560 → 531 ms to the
 * first frame). gptviz's text input is the prompt, whose characters are the model's vocabulary
 * (ASCII); under the "C" locale Xlib reads the 470-line Latin-1 table, which still has the dead
 * keys' plain characters (dead acute + space: the apostrophe). So the environment says "C" while
 * glfwInit runs; the returned function puts it back (call it once glfwInit has returned: the
 * environment must not change while another thread reads it).
 */
function plainCtype(): () => void {
  if (process.platform !== 'linux') return () => undefined;
  const before = process.env.LC_ALL;
  process.env.LC_ALL = 'C';
  return () => {
    if (before === undefined) delete process.env.LC_ALL;
    else process.env.LC_ALL = before;
  };
}

/**
 * Where a window may be made on another thread: X11 (GLFW calls XInitThreads, and neither Xlib nor
 * GLX ties a window or a context to the thread that made it). Cocoa and Win32 need the main
 * thread; Wayland is left alone.
 */
function offThread(): boolean {
  const env = process.env;
  return process.platform === 'linux' && (env.WAYLAND_DISPLAY ?? '') === '' && (env.DISPLAY ?? '') !== '';
}

/** `fn(...args)` on a worker thread of libuv's pool (koffi's async call). */
function callAsync(fn: Fn, ...args: unknown[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    (fn as Fn & { async: Fn }).async(...args, (err: unknown, result: unknown) => (err ? reject(err) : resolve(result)));
  });
}

/** The window hints of `opts` (global GLFW state, read by the next glfwCreateWindow). */
function windowHints(f: Record<string, Fn>, opts: WindowOptions): void {
  f.glfwDefaultWindowHints!();
  f.glfwWindowHint!(GLFW_CONTEXT_VERSION_MAJOR, 4);
  f.glfwWindowHint!(GLFW_CONTEXT_VERSION_MINOR, 1);
  f.glfwWindowHint!(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  f.glfwWindowHint!(GLFW_OPENGL_FORWARD_COMPAT, 1);
  f.glfwWindowHint!(GLFW_SAMPLES, opts.samples ?? 4);
  f.glfwWindowHint!(GLFW_DEPTH_BITS, opts.depth === false ? 0 : 24);
  f.glfwWindowHint!(GLFW_STENCIL_BITS, opts.depth === false ? 0 : 8);
  f.glfwWindowHint!(GLFW_VISIBLE, opts.visible ? 1 : 0);
  f.glfwWindowHint!(GLFW_FOCUSED, opts.visible ? 1 : 0);
  f.glfwWindowHint!(GLFW_RESIZABLE, 1);
  f.glfwWindowHint!(GLFW_SCALE_TO_MONITOR, 1);
  f.glfwWindowHint!(GLFW_COCOA_RETINA_FRAMEBUFFER, 1);
  lastError = '';
}

function checkSize(opts: WindowOptions): void {
  if (!(opts.width >= 1 && opts.height >= 1)) {
    throw new UserError(`window size must be at least 1×1 (got ${opts.width}×${opts.height})`, { hint: 'pass a larger --width / --height' });
  }
}

function terminateIfIdle(): void {
  if (!initialised || windows.size > 0 || lib === null) return;
  lib.f.glfwTerminate!();
  initialised = false;
  unregisterAll(lib);
}

const sizeA = new Int32Array(1);
const sizeB = new Int32Array(1);
const scaleA = new Float32Array(1);
const scaleB = new Float32Array(1);

/** Copies rectangles (x0, y0, x1, y1: GL window pixels, origin bottom-left) of the back buffer to the window. */
export type RectCopier = (xyxy: Int32Array, count: number) => void;

const CopySubBufferFun = koffi.proto('void glXCopySubBufferMESA(void *display, unsigned long drawable, int x, int y, int width, int height)');

/** GLFW's X11 accessors and the Xlib calls showBlack makes; null where this GLFW or system has none. */
let x11: { f: Record<string, Fn>; setBackground: Fn; map: Fn; flush: Fn } | null | undefined;

function loadX11(): { f: Record<string, Fn>; setBackground: Fn; map: Fn; flush: Fn } | null {
  if (x11 !== undefined) return x11;
  x11 = null;
  if (process.platform !== 'linux' || lib === null) return x11;
  try {
    const glfw = lib.handle;
    const f: Record<string, Fn> = {
      glfwGetX11Display: glfw.func('void *glfwGetX11Display()') as Fn,
      glfwGetGLXWindow: glfw.func('unsigned long glfwGetGLXWindow(void *window)') as Fn,
      glfwGetX11Window: glfw.func('unsigned long glfwGetX11Window(void *window)') as Fn,
      glfwExtensionSupported: glfw.func('int glfwExtensionSupported(const char *extension)') as Fn,
    };
    const xlib = koffi.load('libX11.so.6');
    x11 = {
      f,
      setBackground: xlib.func('int XSetWindowBackground(void *display, unsigned long window, unsigned long pixel)') as Fn,
      map: xlib.func('int XMapWindow(void *display, unsigned long window)') as Fn,
      flush: xlib.func('int XFlush(void *display)') as Fn,
    };
  } catch {
    // a GLFW built without X11 (Wayland only), or no Xlib: no partial copies
  }
  return x11;
}

/** A GLFW window with its own current OpenGL 4.1 core context. */
export class Window {
  /** Input handlers; replace fields at any time. */
  handlers: WindowHandlers = {};
  private handle: bigint | null;
  private readonly f: Record<string, Fn>;

  private constructor(handle: bigint, f: Record<string, Fn>) {
    this.handle = handle;
    this.f = f;
  }

  /** Create a window and make its context current. Throws UserError when GLFW or a display is missing. */
  static create(opts: WindowOptions): Window {
    checkSize(opts);
    const l = init();
    windowHints(l.f, opts);
    return Window.adopt(l, l.f.glfwCreateWindow!(opts.width, opts.height, opts.title, null, null) as bigint | null, opts);
  }

  /**
   * Window.create, with the window's creation (≈ 0.2 s: the GL driver, the context) on a worker
   * thread where the platform allows it (offThread), so the main thread can go on meanwhile
   * (issue 15, first frame first); the context is made current on the main thread when it
   * resolves. No GLFW call may be made while it is pending. Rejects with the same UserErrors as
   * create.
   *
   * GLFW's initialisation (≈ 25 ms: the display connection, its extensions, the input method)
   * runs here, on the calling thread. On a worker thread too, the creation could only start once
   * this thread took its result, and the caller goes on to load the rest of the app: on Node 24
   * that is one long stretch without a turn of the event loop, which held the creation back by
   * 50–150 ms (first frame 0.511 → 0.449 s, interleaved; Node 20 unchanged).
   */
  static async open(opts: WindowOptions): Promise<Window> {
    if (!offThread()) return Window.create(opts);
    checkSize(opts);
    const l = init();
    windowHints(l.f, opts);
    // GLFW makes the new context current only for a moment on the creating thread and leaves that
    // thread as it found it (no context), so the context is free for the main thread.
    const handle = await callAsync(l.f.glfwCreateWindow!, opts.width, opts.height, opts.title, null, null);
    return Window.adopt(l, handle as bigint | null, opts);
  }

  /** The Window of a newly created handle (null: the UserError), its context current, its callbacks set. */
  private static adopt(l: GlfwLib, handle: bigint | null, opts: WindowOptions): Window {
    const f = l.f;
    if (handle === null || handle === 0n) {
      const msg = lastError !== '' ? lastError : 'glfwCreateWindow failed';
      terminateIfIdle();
      throw new UserError(`cannot create an OpenGL 4.1 core window: ${msg}`, {
        hint: noDisplayHint(msg) ?? 'OpenGL 4.1 or newer is required; update your graphics drivers (Linux: Mesa ≥ 20)',
      });
    }
    const w = new Window(handle, f);
    windows.set(handle, w);
    f.glfwMakeContextCurrent!(handle);
    f.glfwSwapInterval!(opts.vsync ? 1 : 0);
    f.glfwSetKeyCallback!(handle, l.callbacks[0]);
    f.glfwSetMouseButtonCallback!(handle, l.callbacks[1]);
    f.glfwSetCursorPosCallback!(handle, l.callbacks[2]);
    f.glfwSetScrollCallback!(handle, l.callbacks[3]);
    f.glfwSetFramebufferSizeCallback!(handle, l.callbacks[4]);
    f.glfwSetWindowCloseCallback!(handle, l.callbacks[5]);
    f.glfwSetCharCallback!(handle, l.callbacks[6]);
    f.glfwSetWindowRefreshCallback!(handle, l.callbacks[7]);
    return w;
  }

  private live(): bigint {
    if (this.handle === null) throw new Error('window used after destroy()');
    return this.handle;
  }

  /** Address of a GL function for the current context (0n / null when unknown). */
  getProcAddress(name: string): bigint | null {
    this.live();
    return this.f.glfwGetProcAddress!(name) as bigint | null;
  }

  makeCurrent(): void {
    this.f.glfwMakeContextCurrent!(this.live());
  }

  /** Framebuffer size in pixels, written into `out` [w, h]. */
  framebufferSize(out: Int32Array | number[] = [0, 0]): Int32Array | number[] {
    this.f.glfwGetFramebufferSize!(this.live(), sizeA, sizeB);
    out[0] = sizeA[0]!;
    out[1] = sizeB[0]!;
    return out;
  }

  /** Window size in screen coordinates [w, h]. */
  windowSize(out: Int32Array | number[] = [0, 0]): Int32Array | number[] {
    this.f.glfwGetWindowSize!(this.live(), sizeA, sizeB);
    out[0] = sizeA[0]!;
    out[1] = sizeB[0]!;
    return out;
  }

  /** Content scale (HiDPI factor) [x, y]. */
  contentScale(out: Float32Array | number[] = [1, 1]): Float32Array | number[] {
    this.f.glfwGetWindowContentScale!(this.live(), scaleA, scaleB);
    out[0] = scaleA[0]!;
    out[1] = scaleB[0]!;
    return out;
  }

  /** Process pending events; handlers run inside. Re-throws the first exception a handler raised. */
  pollEvents(): void {
    this.live();
    this.f.glfwPollEvents!();
    if (pendingError !== undefined) {
      const e = pendingError;
      pendingError = undefined;
      throw e;
    }
  }

  swapBuffers(): void {
    this.f.glfwSwapBuffers!(this.live());
  }

  shouldClose(): boolean {
    return this.f.glfwWindowShouldClose!(this.live()) !== 0;
  }

  setShouldClose(value: boolean): void {
    this.f.glfwSetWindowShouldClose!(this.live(), value ? 1 : 0);
  }

  setTitle(title: string): void {
    this.f.glfwSetWindowTitle!(this.live(), title);
  }

  /** Resize the window (screen coordinates); the framebuffer-size handler reports the result. */
  setSize(width: number, height: number): void {
    this.f.glfwSetWindowSize!(this.live(), width, height);
  }

  /**
   * Where the window is an X11 window whose context offers GLX_MESA_copy_sub_buffer (Mesa's GLX):
   * show it, black (its background) wherever nothing was copied to it yet, without waiting for
   * the X server to paint it (show() waits) and without asking for the focus (focus(), once
   * something is drawn), and return a function that copies rectangles of the back buffer to it
   * (no swap); else null, and the window stays hidden. Call it on the hidden window with its
   * context current.
   *
   * Why (issue 15, first frame first): under Xvfb the server's first writes to each page of the
   * window's part of the screen are page faults (copy-on-write pages since it last forked), and
   * a software GL's first swap of a 1600 × 900 frame takes ≈ 45 ms of them, ≈ 1 ms later on.
   * Painted black meanwhile by the server (on another core, while the first frame is drawn),
   * a first frame that is black but for its text is shown by copying just that.
   */
  showBlack(): RectCopier | null {
    const t = this.copyTarget();
    if (t === null) return null;
    // Pixel 0 is black in every TrueColor visual (the only kind GLFW's GL windows use).
    t.x.setBackground(t.display, t.xwindow, 0);
    t.x.map(t.display, t.xwindow);
    t.x.flush(t.display);
    return t.copy;
  }

  /**
   * Where the window is an X11 window whose context offers GLX_MESA_copy_sub_buffer (Mesa's GLX):
   * a function that copies rectangles of the back buffer to it, leaving the back buffer as it is
   * (a swap leaves it undefined); else null. Call it with the window's context current.
   */
  rectCopier(): RectCopier | null {
    return this.copyTarget()?.copy ?? null;
  }

  private copyTarget(): { x: NonNullable<typeof x11>; display: unknown; xwindow: number; copy: RectCopier } | null {
    const h = this.live();
    const x = loadX11();
    if (x === null || x.f.glfwExtensionSupported!('GLX_MESA_copy_sub_buffer') !== 1) return null;
    const address = this.getProcAddress('glXCopySubBufferMESA');
    const display = x.f.glfwGetX11Display!() as unknown;
    const xwindow = x.f.glfwGetX11Window!(h) as number;
    const glxWindow = x.f.glfwGetGLXWindow!(h) as number;
    if (address === null || address === 0n || display === null || xwindow === 0) return null;
    const fn = koffi.decode(address, CopySubBufferFun) as Fn;
    const drawable = glxWindow !== 0 ? glxWindow : xwindow;
    const copy: RectCopier = (xyxy, count) => {
      for (let i = 0; i < count; i++) {
        const o = 4 * i;
        fn(display, drawable, xyxy[o]!, xyxy[o + 1]!, xyxy[o + 2]! - xyxy[o]!, xyxy[o + 3]! - xyxy[o + 1]!);
      }
    };
    return { x, display, xwindow, copy };
  }

  /** Show a window made hidden (no-op when shown). */
  show(): void {
    this.f.glfwShowWindow!(this.live());
  }

  /**
   * Ask for the input focus (glfwShowWindow does so itself; showBlack does not). Through the
   * window manager where there is one; without, only once the window is viewable.
   */
  focus(): void {
    this.f.glfwFocusWindow!(this.live());
  }

  /** Minimise (framebuffer becomes 0×0 where the platform does that) / restore. */
  iconify(): void {
    this.f.glfwIconifyWindow!(this.live());
  }

  restore(): void {
    this.f.glfwRestoreWindow!(this.live());
  }

  /** Seconds since GLFW was initialised. */
  time(): number {
    return this.f.glfwGetTime!() as number;
  }

  get destroyed(): boolean {
    return this.handle === null;
  }

  /** Destroy the window; the last one terminates GLFW and unregisters every callback. Idempotent. */
  destroy(): void {
    if (this.handle === null) return;
    const h = this.handle;
    this.handle = null;
    windows.delete(h);
    this.f.glfwDestroyWindow!(h);
    terminateIfIdle();
  }
}
