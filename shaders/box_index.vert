#version 410 core
// The training view's cached cube layer (core/cube-cache.ts): box_instanced.vert's geometry and
// lighting, but instead of the lit colour it passes on which instance covers a pixel and the
// face's two lighting terms, so a later pass can colour the cubes from a texture of instance
// colours without drawing them again.
layout(location = 0) in vec3 a_position;
layout(location = 1) in vec3 a_normal;
layout(location = 2) in vec3 i_position;
layout(location = 3) in vec4 i_color;
layout(location = 4) in vec3 i_scale;

uniform mat4 u_view_projection;
uniform vec3 u_light_dir;   // direction the light travels, world space
uniform vec3 u_camera_pos;

flat out uint v_index;
flat out vec2 v_shade;      // (ambient + diffuse term, specular term)

const float AMBIENT = 0.25;
const float DIFFUSE = 0.65;
const float SHININESS = 32.0;
const float SPECULAR = 0.3;

void main() {
  vec3 world = a_position * i_scale + i_position;
  gl_Position = u_view_projection * vec4(world, 1.0);
  vec3 n = normalize(a_normal / max(abs(i_scale), vec3(1e-6)));
  vec3 l = normalize(-u_light_dir);
  float diffuse = max(dot(n, l), 0.0);
  vec3 v = normalize(u_camera_pos - world);
  vec3 h = normalize(l + v);
  float specular = pow(max(dot(n, h), 0.0), SHININESS) * SPECULAR;
  v_index = uint(gl_InstanceID) + 1u;
  v_shade = vec2(AMBIENT + DIFFUSE * diffuse, specular);
}
