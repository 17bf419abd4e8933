declare module 'virtual:losses-data' {
  const data: unknown;
  export default data;
}
declare module '*.vue' {
  import type { DefineComponent } from 'vue';

  const component: DefineComponent<object, object, unknown>;
  export default component;
}
