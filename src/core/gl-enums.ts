/**
 * The OpenGL 4.1 core GLenum constants gptviz uses (values from the Khronos gl.xml registry).
 * What it is not: no functions, no FFI (see gl.ts). Spec §7.
 */
export const GL_NO_ERROR = 0;
export const GL_INVALID_ENUM = 0x0500;
export const GL_INVALID_VALUE = 0x0501;
export const GL_INVALID_OPERATION = 0x0502;
export const GL_OUT_OF_MEMORY = 0x0505;
export const GL_INVALID_FRAMEBUFFER_OPERATION = 0x0506;

export const GL_VENDOR = 0x1f00;
export const GL_RENDERER = 0x1f01;
export const GL_VERSION = 0x1f02;
export const GL_SHADING_LANGUAGE_VERSION = 0x8b8c;
export const GL_MAJOR_VERSION = 0x821b;
export const GL_MINOR_VERSION = 0x821c;
export const GL_MAX_TEXTURE_SIZE = 0x0d33;
export const GL_SAMPLES = 0x80a9;
export const GL_MAX_SAMPLES = 0x8d57;

export const GL_DEPTH_BUFFER_BIT = 0x00000100;
export const GL_COLOR_BUFFER_BIT = 0x00004000;

export const GL_POINTS = 0x0000;
export const GL_TRIANGLES = 0x0004;
export const GL_POINT_SIZE_RANGE = 0x0b12;
export const GL_PROGRAM_POINT_SIZE = 0x8642;
export const GL_CULL_FACE = 0x0b44;
export const GL_DEPTH_TEST = 0x0b71;
export const GL_BLEND = 0x0be2;
export const GL_SCISSOR_TEST = 0x0c11;
export const GL_MULTISAMPLE = 0x809d;
export const GL_BACK = 0x0405;
export const GL_CCW = 0x0901;
export const GL_LESS = 0x0201;
export const GL_LEQUAL = 0x0203;
export const GL_ALWAYS = 0x0207;
export const GL_EQUAL = 0x0202;
export const GL_STENCIL_TEST = 0x0b90;
export const GL_KEEP = 0x1e00;
export const GL_REPLACE = 0x1e01;
export const GL_SRC_ALPHA = 0x0302;
export const GL_ONE_MINUS_SRC_ALPHA = 0x0303;
export const GL_ONE = 1;
export const GL_FALSE = 0;
export const GL_TRUE = 1;

export const GL_BYTE = 0x1400;
export const GL_UNSIGNED_BYTE = 0x1401;
export const GL_FLOAT = 0x1406;

export const GL_ARRAY_BUFFER = 0x8892;
export const GL_PIXEL_PACK_BUFFER = 0x88eb;
export const GL_STATIC_DRAW = 0x88e4;
export const GL_DYNAMIC_DRAW = 0x88e8;
export const GL_STREAM_DRAW = 0x88e0;
export const GL_STREAM_READ = 0x88e1;

export const GL_FRAGMENT_SHADER = 0x8b30;
export const GL_VERTEX_SHADER = 0x8b31;
export const GL_COMPILE_STATUS = 0x8b81;
export const GL_LINK_STATUS = 0x8b82;
export const GL_PROGRAM_BINARY_RETRIEVABLE_HINT = 0x8257;
export const GL_PROGRAM_BINARY_LENGTH = 0x8741;
export const GL_NUM_PROGRAM_BINARY_FORMATS = 0x87fe;
export const GL_INFO_LOG_LENGTH = 0x8b84;

export const GL_TEXTURE_2D = 0x0de1;
export const GL_TEXTURE0 = 0x84c0;
export const GL_TEXTURE_MAG_FILTER = 0x2800;
export const GL_TEXTURE_MIN_FILTER = 0x2801;
export const GL_TEXTURE_WRAP_S = 0x2802;
export const GL_TEXTURE_WRAP_T = 0x2803;
export const GL_LINEAR = 0x2601;
export const GL_NEAREST = 0x2600;
export const GL_LINEAR_MIPMAP_LINEAR = 0x2703;
export const GL_CLAMP_TO_EDGE = 0x812f;
export const GL_UNPACK_ALIGNMENT = 0x0cf5;
export const GL_PACK_ALIGNMENT = 0x0d05;
export const GL_RED = 0x1903;
export const GL_R8 = 0x8229;
export const GL_RGB = 0x1907;
export const GL_RGBA = 0x1908;
export const GL_RGBA8 = 0x8058;
export const GL_DEPTH_COMPONENT24 = 0x81a6;

export const GL_FRAMEBUFFER = 0x8d40;
export const GL_READ_FRAMEBUFFER = 0x8ca8;
export const GL_DRAW_FRAMEBUFFER = 0x8ca9;
export const GL_RENDERBUFFER = 0x8d41;
export const GL_COLOR_ATTACHMENT0 = 0x8ce0;
export const GL_DEPTH_ATTACHMENT = 0x8d00;
export const GL_FRAMEBUFFER_COMPLETE = 0x8cd5;
export const GL_RENDERBUFFER_SAMPLES = 0x8cab;

export const GL_STENCIL_BUFFER_BIT = 0x00000400;

// The training view's cached cube layer (core/cube-cache.ts).
export const GL_RGBA32F = 0x8814;
export const GL_DEPTH24_STENCIL8 = 0x88f0;
export const GL_DEPTH_STENCIL_ATTACHMENT = 0x821a;
export const GL_COLOR = 0x1800;
export const GL_TEXTURE1 = 0x84c1;
