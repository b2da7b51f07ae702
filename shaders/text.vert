#version 410 core
// Text quads (spec §7.5): 3D labels in world space or 2D overlay in pixels, one matrix per batch.
layout(location = 0) in vec3 a_position;
layout(location = 1) in vec2 a_uv;
layout(location = 2) in vec4 a_color;

uniform mat4 u_matrix;

out vec2 v_uv;
out vec4 v_color;

void main() {
  gl_Position = u_matrix * vec4(a_position, 1.0);
  v_uv = a_uv;
  v_color = a_color;
}
