#version 410 core
// The cached cube layer coloured (core/cube-cache.ts): where a cube covers the pixel, its colour
// from the instance colour texture, lit with the face's terms exactly as box_instanced.vert does,
// and its depth (the very value the layer's pass wrote) for what is drawn after it.
// Repainting (u_repaint, depth test ALWAYS): a pixel no cube shows gets the clear colour and
// depth 1, as the frame's clear and the depth test against it would leave it.
uniform sampler2D u_layer;    // (instance + 1, ambient + diffuse, specular, depth) per pixel
uniform sampler2D u_colors;   // RGBA per instance, 1 << u_colors_shift per row
uniform int u_colors_shift;
uniform bool u_repaint;
uniform vec4 u_clear;
out vec4 frag_color;

void main() {
  vec4 layer = texelFetch(u_layer, ivec2(gl_FragCoord.xy), 0);
  if (layer.x == 0.0 || (u_repaint && !(layer.w < 1.0))) {
    if (!u_repaint) discard;
    frag_color = u_clear;
    gl_FragDepth = 1.0;
    return;
  }
  int k = int(layer.x) - 1;
  // Shifts and masks, not / and %: llvmpipe runs 8 pixels at once and has no vector division.
  vec4 c = texelFetch(u_colors, ivec2(k & ((1 << u_colors_shift) - 1), k >> u_colors_shift), 0);
  frag_color = vec4(c.rgb * layer.y + vec3(layer.z), c.a);
  gl_FragDepth = layer.w;
}
