import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import CtcFigure from './components/CtcFigure.vue';
import FreqEstimation from './components/FreqEstimation.vue';
import GraTable from './components/GraTable.vue';
import HierarchyFigure from './components/HierarchyFigure.vue';
import LandscapeFigure from './components/LandscapeFigure.vue';
import LeakageFigure from './components/LeakageFigure.vue';
import MelFigure from './components/MelFigure.vue';
import SoftDtwFigure from './components/SoftDtwFigure.vue';
import StepSetFigure from './components/StepSetFigure.vue';
import StrategyTable from './components/StrategyTable.vue';
import SubsequenceFigure from './components/SubsequenceFigure.vue';
import './style.css';

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('LeakageFigure', LeakageFigure);
    app.component('LandscapeFigure', LandscapeFigure);
    app.component('MelFigure', MelFigure);
    app.component('GraTable', GraTable);
    app.component('FreqEstimation', FreqEstimation);
    app.component('HierarchyFigure', HierarchyFigure);
    app.component('StrategyTable', StrategyTable);
    app.component('SoftDtwFigure', SoftDtwFigure);
    app.component('StepSetFigure', StepSetFigure);
    app.component('SubsequenceFigure', SubsequenceFigure);
    app.component('CtcFigure', CtcFigure);
  },
} satisfies Theme;
